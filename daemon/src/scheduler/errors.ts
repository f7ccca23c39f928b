import { defineError, MesoliteError } from '../errors.js';

/**
 * The master refused a call: the status and text it answered, as the v1 HTTP API sends
 * them (400 for a malformed call or a wrong Mesos-Stream-Id, 403 for a framework that is
 * not subscribed, 503 while the master recovers...). The in-process transport raises the
 * same error, so a plugin cannot tell the transports apart by their failures.
 */
export class SchedulerCallError extends MesoliteError {
  static readonly code = 'MESOLITE_ERR_SCHEDULER_CALL_REJECTED';
  /** The call that was refused. */
  readonly callType: string;
  /** The master's own text, without mesolite's wording around it. */
  readonly masterMessage: string;

  constructor(callType: string, statusCode: number, masterMessage: string, options?: ErrorOptions) {
    const text = masterMessage.trim();
    super(
      SchedulerCallError.code,
      `The master answered ${statusCode} to ${callType}${text ? `: ${text}` : ''}`,
      statusCode,
      options,
    );
    this.callType = callType;
    this.masterMessage = text;
  }
}

/** No master answered at all: connection refused, reset, DNS failure, TLS failure. */
export class MasterUnreachableError extends MesoliteError {
  static readonly code = 'MESOLITE_ERR_MASTER_UNREACHABLE';

  constructor(url: string, cause: unknown) {
    const reason = describeCause(cause);
    super(
      MasterUnreachableError.code,
      `Cannot reach the master at ${url}${reason ? `: ${reason}` : ''}. Check that it runs and that the URL is right.`,
      503,
      { cause },
    );
  }
}

/** The event stream broke: it ended, or it carried something that is not a Mesos event. */
export class SchedulerStreamError extends MesoliteError {
  static readonly code = 'MESOLITE_ERR_SCHEDULER_STREAM';

  constructor(url: string, problem: string, cause?: unknown) {
    super(
      SchedulerStreamError.code,
      `The event stream from ${url} broke: ${problem}`,
      502,
      cause === undefined ? undefined : { cause },
    );
  }
}

export const TooManyRedirectsError = defineError(
  'MESOLITE_ERR_MASTER_REDIRECT_LOOP',
  508,
  (url: string, hops: number) =>
    `The master at ${url} redirected ${hops} times without reaching a leader; ` +
    'the masters may be electing one. The client retries.',
);

export const BadRedirectError = defineError(
  'MESOLITE_ERR_MASTER_BAD_REDIRECT',
  502,
  (url: string, status: number) =>
    `The master at ${url} answered ${status} without a usable Location header`,
);

export const MissingStreamIdError = defineError(
  'MESOLITE_ERR_MISSING_STREAM_ID',
  502,
  (url: string) =>
    `The master at ${url} accepted SUBSCRIBE without a Mesos-Stream-Id header; ` +
    'it does not speak the v1 scheduler API.',
);

export const HeartbeatTimeoutError = defineError(
  'MESOLITE_ERR_SCHEDULER_HEARTBEAT_TIMEOUT',
  504,
  (silentSeconds: number) =>
    `No event from the master for ${silentSeconds} s; the connection is presumed dead and is re-established.`,
);

export const SubscribeTimeoutError = defineError(
  'MESOLITE_ERR_SCHEDULER_SUBSCRIBE_TIMEOUT',
  504,
  (seconds: number) =>
    `The master did not confirm the subscription (SUBSCRIBED) within ${seconds} s; retrying.`,
);

export const NotSubscribedError = defineError(
  'MESOLITE_ERR_SCHEDULER_NOT_SUBSCRIBED',
  503,
  (callType: string, state: string) =>
    `Cannot send ${callType}: the framework is not subscribed (the client is ${state}). ` +
    "Wait for the 'subscribed' event and send it again.",
);

export const AlreadySubscribedError = defineError(
  'MESOLITE_ERR_SCHEDULER_ALREADY_SUBSCRIBED',
  409,
  () => 'subscribe() was already called on this client; a client subscribes one framework once.',
);

export const SchedulerClosedError = defineError(
  'MESOLITE_ERR_SCHEDULER_CLOSED',
  503,
  () => 'The scheduler client is closed; create a new one to subscribe again.',
);

export const FrameworkErrorEventError = defineError(
  'MESOLITE_ERR_FRAMEWORK_ERROR',
  409,
  (message: string) =>
    `The master ended the framework's subscription with an ERROR event: ${message}`,
);

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return cause === undefined ? '' : String(cause);
  // fetch reports every network failure as "fetch failed"; the reason is in its cause.
  const inner = cause.cause;
  if (inner instanceof Error && inner.message) return `${cause.message} (${inner.message})`;
  return cause.message;
}
