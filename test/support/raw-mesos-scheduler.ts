/**
 * An HTTP scheduler written from Mesos's scheduler-http-api documentation alone,
 * with no mesolite code: node:http, its own RecordIO parsing, plain JSON objects.
 * If the master works with this, it works with clients written the same way.
 */
import { type ClientRequest, type IncomingMessage, request } from 'node:http';

// biome-ignore lint/suspicious/noExplicitAny: events are untyped JSON here on purpose.
export type Json = any;

export class RawScheduler {
  streamId: string | undefined;
  frameworkId: string | undefined;
  readonly events: Json[] = [];
  private waiters: Array<{ match: (event: Json) => boolean; resolve: (event: Json) => void }> = [];
  private req: ClientRequest | undefined;
  private res: IncomingMessage | undefined;
  private buffer = Buffer.alloc(0);
  closed = false;

  constructor(private readonly masterUrl: string) {}

  /** Sends SUBSCRIBE and resolves with the HTTP status once the response head arrives. */
  subscribe(frameworkInfo: Json, frameworkId?: string): Promise<{ status: number; body?: string }> {
    const body = JSON.stringify({
      type: 'SUBSCRIBE',
      ...(frameworkId ? { framework_id: { value: frameworkId } } : {}),
      subscribe: {
        framework_info: frameworkId
          ? { ...frameworkInfo, id: { value: frameworkId } }
          : frameworkInfo,
      },
    });
    return new Promise((resolve, reject) => {
      const url = new URL('/api/v1/scheduler', this.masterUrl);
      this.req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
      });
      this.req.on('error', (err) => {
        if (!this.closed) reject(err);
      });
      this.req.on('response', (res) => {
        this.res = res;
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          return;
        }
        this.streamId = String(res.headers['mesos-stream-id']);
        res.on('data', (chunk: Buffer) => this.onData(chunk));
        res.on('close', () => {
          this.closed = true;
        });
        resolve({ status: 200 });
      });
      this.req.end(body);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const newline = this.buffer.indexOf(0x0a);
      if (newline < 0) return;
      const length = Number(this.buffer.subarray(0, newline).toString('ascii'));
      if (this.buffer.length < newline + 1 + length) return;
      const record = this.buffer.subarray(newline + 1, newline + 1 + length).toString('utf8');
      this.buffer = this.buffer.subarray(newline + 1 + length);
      const event = JSON.parse(record);
      if (event.type === 'SUBSCRIBED') this.frameworkId = event.subscribed.framework_id.value;
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(event)) return true;
        waiter.resolve(event);
        return false;
      });
    }
  }

  /** The first event (already received or still to come) that matches. */
  next(match: (event: Json) => boolean, timeoutMs = 10_000): Promise<Json> {
    const seen = this.events.find(match);
    if (seen) {
      this.events.splice(this.events.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (event: Json) => {
          clearTimeout(timer);
          this.events.splice(this.events.indexOf(event), 1);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  nextOfType(type: string, timeoutMs?: number): Promise<Json> {
    return this.next((event) => event.type === type, timeoutMs);
  }

  nextUpdate(taskId: string, state?: string, timeoutMs?: number): Promise<Json> {
    return this.next(
      (event) =>
        event.type === 'UPDATE' &&
        event.update.status.task_id.value === taskId &&
        (state === undefined || event.update.status.state === state),
      timeoutMs,
    );
  }

  /** Any call but SUBSCRIBE, with this stream's id unless headers say otherwise. */
  async call(
    body: Json,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> {
    const response = await fetch(new URL('/api/v1/scheduler', this.masterUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.streamId ? { 'mesos-stream-id': this.streamId } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  close(): void {
    this.closed = true;
    this.res?.destroy();
    this.req?.destroy();
  }
}
