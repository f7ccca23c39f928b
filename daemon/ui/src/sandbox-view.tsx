import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import type { TaskView } from './cluster-state';
import { ErrorBox } from './error-box';
import { usePoll } from './use-poll';

interface FileInfo {
  path: string;
  size: number;
  mode: string;
  mtime: number;
}

interface ReadPage {
  data: string;
  offset: number;
}

/** How much of a log is fetched per poll, and how much of it is kept on screen. */
const PAGE_BYTES = 64 * 1024;
const KEEP_CHARS = 256 * 1024;
const encoder = new TextEncoder();

/**
 * Where a task's files are read: through the master's /agent/<id>/files/, which answers
 * for the local agent and for agents on other machines alike (their own files endpoints
 * listen on their loopback only); /files/ when the agent is not known.
 */
export function filesBase(agentId: string): string {
  return agentId === '' ? '/files' : `/agent/${encodeURIComponent(agentId)}/files`;
}

/** A task's sandbox: its files, and stdout or stderr followed as it grows. */
export function SandboxView({ task, onClose }: { task: TaskView; onClose: () => void }) {
  const [file, setFile] = useState('stdout');
  const base = filesBase(task.agentId);
  const listing = usePoll(
    async () =>
      (await api(`${base}/browse?path=${encodeURIComponent(task.sandbox)}`)) as FileInfo[],
    3000,
  );
  return (
    <section class="sandbox" data-testid="sandbox">
      <header>
        <h3>
          Sandbox of <code>{task.id}</code>
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <ErrorBox error={listing.error} title="Listing the sandbox failed" />
      <table data-testid="sandbox-files">
        <thead>
          <tr>
            <th>File</th>
            <th>Size</th>
            <th>Mode</th>
          </tr>
        </thead>
        <tbody>
          {(listing.data ?? []).map((entry) => {
            const name = entry.path.slice(entry.path.lastIndexOf('/') + 1);
            const isFile = !entry.mode.startsWith('d');
            return (
              <tr key={entry.path}>
                <td>
                  {isFile ? (
                    <button type="button" class="link" onClick={() => setFile(name)}>
                      {name}
                    </button>
                  ) : (
                    `${name}/`
                  )}
                </td>
                <td>{entry.size}</td>
                <td>
                  <code>{entry.mode}</code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div class="tabs">
        {['stdout', 'stderr'].map((name) => (
          <button
            type="button"
            key={name}
            class={name === file ? 'active' : ''}
            onClick={() => setFile(name)}
          >
            {name}
          </button>
        ))}
      </div>
      <LogFollower key={`${task.sandbox}/${file}`} base={base} path={`${task.sandbox}/${file}`} />
    </section>
  );
}

/**
 * Follows a file as Mesos's web UI pailer does: ask its size (offset=-1), start a page
 * before the end, then poll from the last offset read.
 */
function LogFollower({ base, path }: { base: string; path: string }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const offset = useRef<number | undefined>(undefined);
  const pre = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const query = (from: number, length?: number) =>
      `${base}/read?path=${encodeURIComponent(path)}&offset=${from}${length === undefined ? '' : `&length=${length}`}`;
    const poll = async () => {
      try {
        if (offset.current === undefined) {
          const size = ((await api(query(-1))) as ReadPage).offset;
          offset.current = Math.max(0, size - PAGE_BYTES);
        }
        // Read until caught up, so a burst of output does not lag a poll per page.
        for (;;) {
          const page = (await api(query(offset.current, PAGE_BYTES))) as ReadPage;
          if (stopped || page.data === '') break;
          offset.current += encoder.encode(page.data).length;
          setText((before) => (before + page.data).slice(-KEEP_CHARS));
        }
        if (!stopped) setError(undefined);
      } catch (err) {
        if (!stopped) setError(err);
      }
      if (!stopped) timer = setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [base, path]);

  useEffect(() => {
    // Keep the newest lines in view, as `tail -f` does.
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);

  return (
    <div>
      <ErrorBox error={error} title={`Reading ${path} failed`} />
      <pre class="log" ref={pre} data-testid="log">
        {text}
      </pre>
    </div>
  );
}
