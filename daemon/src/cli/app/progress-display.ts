/**
 * Shows a deployment's progress on stderr, so stdout stays for results a script reads:
 * a bar redrawn in place on a terminal, or one plain line per change otherwise (a log
 * file or CI output should not fill with carriage returns).
 */
import { type Progress, progressBar } from './deployment-progress.js';

export interface ProgressDisplay {
  update(label: string, progress: Progress, elapsedMs: number): void;
  /** Takes the bar off the screen before anything else is printed. */
  clear(): void;
}

const BAR_WIDTH = 20;

function blockersText(progress: Progress): string {
  return progress.blockers.length > 0 ? ` · waiting: ${progress.blockers.join(', ')}` : '';
}

class TerminalProgress implements ProgressDisplay {
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(label: string, progress: Progress, elapsedMs: number): void {
    const bar =
      progress.fraction === undefined ? '' : ` ${progressBar(progress.fraction, BAR_WIDTH)}`;
    const line = `${label}${bar} ${progress.summary}${blockersText(progress)} (${Math.floor(elapsedMs / 1000)}s)`;
    // A line longer than the terminal wraps, and \r then redraws only its last row.
    // A terminal that reports no size (some ptys say 0) gets the classic 80 columns.
    const columns = this.stream.columns > 0 ? this.stream.columns : 80;
    const fitted = line.length >= columns ? `${line.slice(0, columns - 2)}…` : line;
    this.stream.write(`\r\x1b[2K${fitted}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

class LineProgress implements ProgressDisplay {
  private last = '';

  constructor(private readonly stream: NodeJS.WritableStream) {}

  update(label: string, progress: Progress, elapsedMs: number): void {
    const text = `${label}: ${progress.summary}${blockersText(progress)}`;
    if (text === this.last) return;
    this.last = text;
    this.stream.write(`[${Math.floor(elapsedMs / 1000)}s] ${text}\n`);
  }

  clear(): void {}
}

export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  return stream.isTTY ? new TerminalProgress(stream) : new LineProgress(stream);
}
