import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeRecord } from '@mesolite/daemon/protocol/recordio';
import type { SchedulerCall, SchedulerEvent } from '@mesolite/daemon/protocol/scheduler';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly call: SchedulerCall;
}

/** Answers a request itself (returning true) or leaves it to the default behaviour. */
export type Interceptor = (request: ReceivedRequest, response: ServerResponse) => boolean;

/**
 * A master speaking Mesos's v1 scheduler wire format over node:http: SUBSCRIBE gets 200,
 * a Mesos-Stream-Id header and a RecordIO stream that starts with SUBSCRIBED; other
 * calls get 202 with the right stream id and 400 with a text body otherwise, as Mesos
 * answers. It sends no HEARTBEAT unless a test does.
 */
export class FakeMesosMaster {
  readonly requests: ReceivedRequest[] = [];
  heartbeatIntervalSeconds = 15;
  frameworkId = 'fw-http';
  interceptor: Interceptor | undefined;
  readonly #server: Server;
  readonly #streams: ServerResponse[] = [];
  #streamId: string | undefined;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeMesosMaster> {
    const server = createServer();
    const master = new FakeMesosMaster(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedRequest = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          call: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SchedulerCall,
        };
        master.requests.push(received);
        if (master.interceptor?.(received, response)) return;
        master.#answer(received, response);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return master;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get subscribes(): ReceivedRequest[] {
    return this.requests.filter((request) => request.call.type === 'SUBSCRIBE');
  }

  get calls(): ReceivedRequest[] {
    return this.requests.filter((request) => request.call.type !== 'SUBSCRIBE');
  }

  get streamId(): string | undefined {
    return this.#streamId;
  }

  /** Writes an event on the newest stream. */
  send(event: SchedulerEvent): void {
    this.#latest().write(encodeRecord(event));
  }

  /** Writes raw bytes on the newest stream, for framing tests. */
  write(bytes: Buffer | string): void {
    this.#latest().write(bytes);
  }

  /** Ends the newest stream, as a master does when it drops a framework. */
  endStream(): void {
    this.#latest().end();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }

  #latest(): ServerResponse {
    const stream = this.#streams.at(-1);
    if (!stream) throw new Error('no SUBSCRIBE stream is open');
    return stream;
  }

  #answer(request: ReceivedRequest, response: ServerResponse): void {
    if (request.call.type !== 'SUBSCRIBE') {
      if (request.headers['mesos-stream-id'] !== this.#streamId) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end(
          `The stream ID '${request.headers['mesos-stream-id']}' included in this request didn't match the stream ID currently associated with framework ID ${this.frameworkId}`,
        );
        return;
      }
      response.writeHead(202).end();
      return;
    }
    this.#streamId = `stream-${this.subscribes.length}`;
    response.writeHead(200, {
      'content-type': 'application/json',
      'mesos-stream-id': this.#streamId,
    });
    this.#streams.push(response);
    response.write(
      encodeRecord({
        type: 'SUBSCRIBED',
        subscribed: {
          framework_id: request.call.framework_id ?? { value: this.frameworkId },
          heartbeat_interval_seconds: this.heartbeatIntervalSeconds,
        },
      } satisfies SchedulerEvent),
    );
  }
}
