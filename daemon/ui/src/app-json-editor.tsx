import { useRef } from 'preact/hooks';
import type { FieldErrors } from './api';
import { jsonLines, lineOfPath } from './json-locate';

interface Annotated {
  line: number;
  path: string;
  errors: string[];
}

/** Each of Marathon's `details` placed at the line of the JSON it is about. */
function annotate(text: string, details: readonly FieldErrors[]): Map<number, Annotated[]> {
  const lines = jsonLines(text);
  const byLine = new Map<number, Annotated[]>();
  for (const detail of details) {
    const line = lineOfPath(lines, detail.path);
    byLine.set(line, [
      ...(byLine.get(line) ?? []),
      { line, path: detail.path, errors: detail.errors },
    ]);
  }
  return byLine;
}

/**
 * A JSON textarea that, after Marathon refused the definition (422), shows the JSON
 * again with each error under the line of the field it names; choosing an error
 * selects that line in the editor.
 */
export function AppJsonEditor({
  text,
  onInput,
  checked,
  details,
}: {
  text: string;
  onInput: (text: string) => void;
  /** The text Marathon judged, so errors stay at their lines while the user edits. */
  checked: string;
  details: readonly FieldErrors[];
}) {
  const editor = useRef<HTMLTextAreaElement>(null);
  const byLine = details.length > 0 ? annotate(checked, details) : new Map<number, Annotated[]>();

  const select = (line: number) => {
    const area = editor.current;
    if (!area || area.value !== checked) return;
    const lines = area.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, entry) => sum + entry.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };

  return (
    <div class="json-editor">
      <textarea
        ref={editor}
        name="app-json"
        rows={14}
        cols={70}
        spellcheck={false}
        value={text}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
      {byLine.size > 0 ? (
        <div class="json-annotated" data-testid="json-annotated">
          <div class="muted">Marathon refused these fields:</div>
          {checked.split('\n').map((content, index) => {
            const line = index + 1;
            const errors = byLine.get(line) ?? [];
            return (
              <div
                key={line}
                data-line={line}
                class={errors.length > 0 ? 'line has-error' : 'line'}
              >
                <span class="line-number">{line}</span>
                <code>{content}</code>
                {errors.map((error) => (
                  <button
                    type="button"
                    key={error.path}
                    class="field-error"
                    data-testid="field-error"
                    data-path={error.path}
                    onClick={() => select(line)}
                  >
                    {error.path}: {error.errors.join(', ')}
                  </button>
                ))}
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
