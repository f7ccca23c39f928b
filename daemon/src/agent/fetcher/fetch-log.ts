/**
 * The fetcher's log in the sandbox. Mesos's fetcher runs with the task's stderr as
 * its own, so a user reading `stderr` in the sandbox sees what was fetched (and why a
 * fetch failed) before the task's own output. The lines keep glog's shape
 * (`I0102 15:04:05.123456  4242 fetcher] Fetching URI '...'`), as Mesos writes them.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';

export type LogLevel = 'I' | 'W' | 'E';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** glog's line prefix: level, date, time with microseconds, thread (our pid), source. */
export function glogPrefix(level: LogLevel, at: Date): string {
  const date = `${pad(at.getMonth() + 1)}${pad(at.getDate())}`;
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds() * 1000, 6)}`;
  return `${level}${date} ${time} ${String(process.pid).padStart(5)} fetcher]`;
}

export class FetchLog {
  readonly path: string;
  /** Appends are chained so that lines keep their order. */
  private tail: Promise<void> = Promise.resolve();

  constructor(sandbox: string) {
    this.path = join(sandbox, 'stderr');
  }

  write(level: LogLevel, message: string): Promise<void> {
    const line = `${glogPrefix(level, new Date())} ${message}\n`;
    // A log that cannot be written must not fail the fetch it describes.
    this.tail = this.tail.then(() => appendFile(this.path, line)).catch(() => undefined);
    return this.tail;
  }

  info(message: string): Promise<void> {
    return this.write('I', message);
  }

  warn(message: string): Promise<void> {
    return this.write('W', message);
  }

  error(message: string): Promise<void> {
    return this.write('E', message);
  }

  /** Resolves once every line written so far is on disk. */
  flush(): Promise<void> {
    return this.tail;
  }
}
