import { type ClientRequest, type IncomingMessage, request } from 'node:http';

export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * A plain HTTP client reading a text/event-stream the way the SSE spec says to parse
 * one (any of CRLF, LF or CR ends a line; an empty line dispatches), so the tests see
 * what a browser's EventSource or marathon-lb would. `raw` keeps the exact text.
 */
export class SseClient {
  raw = '';
  readonly response: IncomingMessage;
  /** Settles when the server or the client ends the stream. */
  readonly ended: Promise<void>;
  private readonly request: ClientRequest;
  private readonly received: ServerSentEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private pending = '';
  private fields = { event: '', data: [] as string[] };

  private constructor(clientRequest: ClientRequest, response: IncomingMessage) {
    this.request = clientRequest;
    this.response = response;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.feed(chunk));
    this.ended = new Promise((resolve) => {
      response.once('close', () => {
        resolve();
        this.wake();
      });
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const clientRequest = request(url, { headers: { accept: 'text/event-stream', ...headers } });
      clientRequest.once('response', (response) => resolve(new SseClient(clientRequest, response)));
      clientRequest.once('error', reject);
      clientRequest.end();
    });
  }

  /** The next event not yet taken, waiting for it up to `timeoutMs`. */
  async next(timeoutMs = 5_000): Promise<ServerSentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.received.shift();
      if (event !== undefined) return event;
      if (this.response.closed) throw new Error('stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until the raw text satisfies `predicate`. */
  async waitForRaw(predicate: (raw: string) => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.raw)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`stream text never matched; got ${JSON.stringify(this.raw)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the connection from the client's side, as a consumer that goes away does. */
  close(): void {
    this.request.destroy();
  }

  private feed(chunk: string): void {
    this.raw += chunk;
    this.pending += chunk;
    for (;;) {
      const end = this.pending.search(/[\r\n]/);
      if (end === -1) break;
      // A CR as the last character may be the first half of a CRLF still in flight.
      if (this.pending[end] === '\r' && end === this.pending.length - 1) break;
      const line = this.pending.slice(0, end);
      const width = this.pending.startsWith('\r\n', end) ? 2 : 1;
      this.pending = this.pending.slice(end + width);
      this.line(line);
    }
    this.wake();
  }

  private line(line: string): void {
    if (line === '') {
      if (this.fields.data.length > 0) {
        this.received.push({
          event: this.fields.event === '' ? 'message' : this.fields.event,
          data: this.fields.data.join('\n'),
        });
      }
      this.fields = { event: '', data: [] };
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') this.fields.event = value;
    if (name === 'data') this.fields.data.push(value);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
