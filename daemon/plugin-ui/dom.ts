/**
 * A few lines of DOM building for plugin pages (source the plugins' page bundles
 * include): a page must stand alone in the browser, so it brings no framework, and
 * everything it draws is text (never parsed as HTML).
 */

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (undefined ones left out) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A button that runs `action`; `action` reports its own failures. */
export function button(label: string, action: () => void, className?: string): HTMLButtonElement {
  const element = el('button', { type: 'button', class: className }, label);
  element.addEventListener('click', action);
  return element;
}

/** What the daemon answered on a failure, or the error's own text. */
export function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    const status = (err as Error & { status?: unknown }).status;
    return typeof status === 'number' && status > 0 ? `${status}: ${err.message}` : err.message;
  }
  return String(err);
}

/** The shell's error box (class "error"), with a title saying what failed. */
export function errorBox(title: string, err: unknown): HTMLDivElement {
  return el(
    'div',
    { class: 'error', role: 'alert', 'data-testid': 'error' },
    el('strong', {}, `${title}: `),
    el('span', {}, describeFailure(err)),
  );
}

/** An ISO instant as the browser's local time; none (Chronos's "" for never) as a dash. */
export function instantText(iso: string | undefined): string {
  if (iso === undefined || iso === '') return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
