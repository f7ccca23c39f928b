import type { Logger } from '../logger.js';
import { readRecords } from '../protocol/recordio.js';
import { type SchedulerCall, SchedulerEvent } from '../protocol/scheduler.js';
import { validator } from '../protocol/validate.js';
import {
  BadRedirectError,
  MasterUnreachableError,
  MissingStreamIdError,
  SchedulerCallError,
  SchedulerStreamError,
  TooManyRedirectsError,
} from './errors.js';
import type { SchedulerStream, SchedulerStreamHandlers, SchedulerTransport } from './transport.js';

export interface HttpSchedulerTransportOptions {
  /**
   * The master: `http://host:5050`, a base behind a proxy (`https://dcos.example/mesos`),
   * or the endpoint itself (`.../api/v1/scheduler`). Any master of a cluster will do;
   * a non-leading one redirects to the leader.
   */
  readonly master: string | URL;
  /** Sent as HTTP Basic authentication, as Mesos's `--authenticate_frameworks` expects. */
  readonly credentials?: { readonly principal: string; readonly secret: string };
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Passed to every fetch (for instance a `dispatcher` that trusts a private CA). */
  readonly fetchOptions?: Omit<RequestInit, 'method' | 'headers' | 'body' | 'signal' | 'redirect'>;
  /** How many 307 hops a request may take before the leader is considered unknown; 5 by default. */
  readonly maxRedirects?: number;
  /** Warned when an event does not match mesolite's schema (it is delivered anyway). */
  readonly logger?: Logger;
  /** The fetch to use; the global one by default. */
  readonly fetch?: typeof fetch;
}

const SCHEDULER_PATH = 'api/v1/scheduler';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const eventValidator = validator(SchedulerEvent, 'scheduler event');

/**
 * The v1 scheduler API over HTTP, as Mesos serves it: every call is a JSON POST to
 * `/api/v1/scheduler`; SUBSCRIBE's response stays open and carries RecordIO-framed
 * JSON events, and its `Mesos-Stream-Id` header goes on every later call, which the
 * master answers with 202.
 */
export class HttpSchedulerTransport implements SchedulerTransport {
  readonly #endpoint: URL;
  readonly #headers: Record<string, string>;
  readonly #fetchOptions: HttpSchedulerTransportOptions['fetchOptions'];
  readonly #maxRedirects: number;
  readonly #logger: Logger | undefined;
  readonly #fetch: typeof fetch;
  /** Where each open stream lives: its calls must reach the master that issued its id. */
  readonly #streams = new Map<string, URL>();

  constructor(options: HttpSchedulerTransportOptions) {
    this.#endpoint = schedulerUrl(options.master);
    const { credentials } = options;
    this.#headers = {
      ...options.headers,
      ...(credentials && {
        authorization: `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`).toString('base64')}`,
      }),
    };
    this.#fetchOptions = options.fetchOptions;
    this.#maxRedirects = options.maxRedirects ?? 5;
    this.#logger = options.logger;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The scheduler endpoint requests start from. */
  get url(): string {
    return this.#endpoint.href;
  }

  async subscribe(
    call: SchedulerCall,
    handlers: SchedulerStreamHandlers,
  ): Promise<SchedulerStream> {
    const controller = new AbortController();
    const { signal } = handlers;
    const abort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    // Every subscription starts from the configured master rather than the last leader:
    // a reconnection is usually needed because that leader went away.
    let answer: { response: Response; url: URL };
    try {
      answer = await this.#post(this.#endpoint, call, {}, controller.signal);
    } finally {
      signal?.removeEventListener('abort', abort);
    }
    const { response, url } = answer;
    if (response.status !== 200) {
      throw new SchedulerCallError(call.type, response.status, await readText(response));
    }
    const streamId = response.headers.get('mesos-stream-id');
    if (!streamId || !response.body) {
      controller.abort();
      throw new MissingStreamIdError(url.href);
    }
    this.#streams.set(streamId, url);
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      this.#streams.delete(streamId);
      controller.abort();
    };
    void this.#pump(response.body, url, handlers, () => open).then((reason) => {
      if (!open) return;
      close();
      handlers.onClose(reason);
    });
    return { streamId, close };
  }

  async call(call: SchedulerCall, streamId: string): Promise<void> {
    const url = this.#streams.get(streamId) ?? this.#endpoint;
    const { response } = await this.#post(url, call, { 'mesos-stream-id': streamId });
    const text = await readText(response);
    // Mesos answers 202 to every call but SUBSCRIBE; any 2xx is still a success.
    if (response.status < 200 || response.status > 299) {
      throw new SchedulerCallError(call.type, response.status, text);
    }
  }

  /** Reads events until the stream ends; resolves with why it ended. */
  async #pump(
    body: NonNullable<Response['body']>,
    url: URL,
    handlers: SchedulerStreamHandlers,
    isOpen: () => boolean,
  ): Promise<Error> {
    try {
      for await (const record of readRecords(body)) {
        if (!isOpen()) break;
        handlers.onEvent(this.#decode(record, url));
      }
      return new SchedulerStreamError(url.href, 'the master ended it');
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      return new SchedulerStreamError(url.href, problem, error);
    }
  }

  #decode(record: string, url: URL): SchedulerEvent {
    let value: unknown;
    try {
      value = JSON.parse(record);
    } catch (error) {
      throw new SchedulerStreamError(
        url.href,
        `an event is not JSON: ${record.slice(0, 80)}`,
        error,
      );
    }
    if (
      typeof value !== 'object' ||
      value === null ||
      !('type' in value) ||
      typeof value.type !== 'string'
    ) {
      throw new SchedulerStreamError(url.href, `an event has no type: ${record.slice(0, 80)}`);
    }
    if (!eventValidator.check(value)) {
      // Real Mesos masters are newer than our schemas (new enum values, new event
      // types). Dropping an event would lose a status update that is then re-sent
      // forever, so it is delivered as it came and the mismatch is only reported.
      this.#logger?.warn(
        { eventType: value.type, problem: validationProblem(value) },
        'event from the master does not match the v1 schema; delivering it as is',
      );
    }
    return value as SchedulerEvent;
  }

  /** POSTs a call, following redirects to the leading master. */
  async #post(
    start: URL,
    call: SchedulerCall,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<{ response: Response; url: URL }> {
    const body = JSON.stringify(call);
    let url = start;
    for (let hops = 0; ; hops++) {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          ...this.#fetchOptions,
          method: 'POST',
          headers: {
            ...this.#headers,
            ...headers,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body,
          // Followed by hand: fetch drops the Authorization header on a redirect to
          // another origin, and the leader is always another host or port.
          redirect: 'manual',
          ...(signal && { signal }),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new MasterUnreachableError(url.href, error);
      }
      if (!REDIRECTS.has(response.status)) return { response, url };
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (!location) throw new BadRedirectError(url.href, response.status);
      if (hops >= this.#maxRedirects) throw new TooManyRedirectsError(start.href, hops + 1);
      // Mesos answers with a scheme-relative Location (`//leader:5050/...`), which
      // resolves against the URL it came from.
      try {
        url = new URL(location, url);
      } catch {
        throw new BadRedirectError(url.href, response.status);
      }
    }
  }
}

function schedulerUrl(master: string | URL): URL {
  const url = new URL(master);
  if (url.pathname.replace(/\/+$/, '').endsWith(`/${SCHEDULER_PATH}`)) return url;
  const base = url.pathname.endsWith('/') ? url : new URL(`${url.pathname}/`, url);
  return new URL(SCHEDULER_PATH, base);
}

async function readText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    // The status already says what happened; a body cut short adds nothing.
    return '';
  }
}

function validationProblem(value: unknown): string {
  try {
    eventValidator.parse(value);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
