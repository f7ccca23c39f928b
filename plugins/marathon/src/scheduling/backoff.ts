/**
 * Marathon's launch backoff (RateLimiter, NotifyRateLimiterStep), as pure functions of
 * (state, event, time):
 *
 * - an instance that fails (or finishes, errors, is dropped or gone) delays the next
 *   launch of its app's configuration by backoffSeconds; each further failure multiplies
 *   the delay by backoffFactor, up to maxLaunchDelaySeconds;
 * - an instance that is launched, stages, starts or runs moves an existing delay's reference time to
 *   now, so the time a container took to start is not subtracted from the delay;
 * - a delay is forgotten once maxLaunchDelaySeconds have passed since its reference time
 *   (the app has stayed quiet for that long), and right away when the app is restarted,
 *   deleted, its delay is deleted through /v2/queue/{id}/delay, or its agent is drained.
 *
 * Delays are kept per configuration of an app (Marathon's RunSpecConfigRef: the app id
 * and the version of its last configuration change), so a changed app starts without
 * one while a scale-only change keeps it. `configRef` builds that key.
 */
import type { TaskState } from '@mesolite/daemon/protocol/mesos';

/** An app's backoff settings, as its definition writes them. */
export interface BackoffStrategy {
  readonly backoffSeconds: number;
  readonly backoffFactor: number;
  readonly maxLaunchDelaySeconds: number;
}

/** Marathon's defaults for an app that sets none. */
export const DEFAULT_BACKOFF: BackoffStrategy = {
  backoffSeconds: 1,
  backoffFactor: 1.15,
  maxLaunchDelaySeconds: 300,
};

/** One configuration's delay. Times are milliseconds since the epoch. */
export interface LaunchDelay {
  /** When the delay was last set or advanced; the delay runs from here. */
  readonly referenceAt: number;
  readonly currentDelayMs: number;
  readonly maxLaunchDelayMs: number;
}

/** Every delay, by configuration key. */
export type BackoffState = ReadonlyMap<string, LaunchDelay>;

export const NO_DELAYS: BackoffState = new Map();

/** The key of an app's configuration: its id and the version of its last config change. */
export function configRef(appId: string, lastConfigChangeAt: string): string {
  return `${appId} ${lastConfigChangeAt}`;
}

export type BackoffEvent =
  /** An instance of the configuration failed: add to the delay (RateLimiter.addDelay). */
  | { readonly type: 'failed'; readonly ref: string; readonly strategy: BackoffStrategy }
  /** An instance was launched, or is staging, starting or running: restart the delay from now (advanceDelay). */
  | { readonly type: 'started'; readonly ref: string }
  /** Forget the delay: restart, deletion, DELETE /v2/queue/{id}/delay, agent draining. */
  | { readonly type: 'reset'; readonly ref: string };

const MS_PER_SECOND = 1000;

/** Whether a delay has outlived maxLaunchDelay since its reference time and is forgotten. */
function isOverdue(delay: LaunchDelay, now: number): boolean {
  return now > delay.referenceAt + delay.maxLaunchDelayMs;
}

/** A configuration's delay as it stands at `now`, or undefined when there is none. */
export function currentDelay(
  state: BackoffState,
  ref: string,
  now: number,
): LaunchDelay | undefined {
  const delay = state.get(ref);
  // Marathon drops overdue delays in a sweep every ten seconds; judging them at every read
  // gives the same answers without a timer.
  return delay === undefined || isOverdue(delay, now) ? undefined : delay;
}

function seconds(value: number): number {
  return Number.isFinite(value) && value > 0 ? value * MS_PER_SECOND : 0;
}

/** The state after one event at time `now`. */
export function applyBackoffEvent(
  state: BackoffState,
  event: BackoffEvent,
  now: number,
): BackoffState {
  const existing = currentDelay(state, event.ref, now);
  switch (event.type) {
    case 'failed': {
      const max = seconds(event.strategy.maxLaunchDelaySeconds);
      const factor = Number.isFinite(event.strategy.backoffFactor)
        ? event.strategy.backoffFactor
        : 1;
      const delayMs =
        existing === undefined
          ? Math.min(seconds(event.strategy.backoffSeconds), max)
          : Math.min(existing.currentDelayMs * factor, max);
      return withDelay(state, event.ref, {
        referenceAt: now,
        currentDelayMs: delayMs,
        maxLaunchDelayMs: max,
      });
    }
    case 'started':
      if (existing === undefined) return withoutDelay(state, event.ref);
      return withDelay(state, event.ref, { ...existing, referenceAt: now });
    case 'reset':
      return withoutDelay(state, event.ref);
    default:
      return state;
  }
}

function withDelay(state: BackoffState, ref: string, delay: LaunchDelay): BackoffState {
  const next = new Map(state);
  next.set(ref, delay);
  return next;
}

function withoutDelay(state: BackoffState, ref: string): BackoffState {
  if (!state.has(ref)) return state;
  const next = new Map(state);
  next.delete(ref);
  return next;
}

/** The state without the delays that are overdue at `now`, to keep it from growing. */
export function dropOverdueDelays(state: BackoffState, now: number): BackoffState {
  let next: Map<string, LaunchDelay> | undefined;
  for (const [ref, delay] of state) {
    if (!isOverdue(delay, now)) continue;
    next ??= new Map(state);
    next.delete(ref);
  }
  return next ?? state;
}

/** When the configuration may launch again, if that is still ahead of `now`. */
export function delayedUntil(state: BackoffState, ref: string, now: number): number | undefined {
  const delay = currentDelay(state, ref, now);
  if (delay === undefined) return undefined;
  const deadline = delay.referenceAt + delay.currentDelayMs;
  return deadline > now ? deadline : undefined;
}

/** Whether the configuration may launch at `now`. */
export function launchAllowed(state: BackoffState, ref: string, now: number): boolean {
  return delayedUntil(state, ref, now) === undefined;
}

/** /v2/queue's `delay` object. */
export interface QueueDelay {
  timeLeftSeconds: number;
  /** True when the app is waiting on offers, false while it is backed off. */
  overdue: boolean;
}

/**
 * The `delay` of a queue entry, computed as Marathon computes it: whole seconds left,
 * truncated, and overdue once there is no delay or its deadline is a second or more past.
 */
export function queueDelay(state: BackoffState, ref: string, now: number): QueueDelay {
  const delay = currentDelay(state, ref, now);
  if (delay === undefined) return { timeLeftSeconds: 0, overdue: true };
  const timeLeft = Math.trunc((delay.referenceAt + delay.currentDelayMs - now) / MS_PER_SECOND);
  return { timeLeftSeconds: Math.max(0, timeLeft), overdue: timeLeft < 0 };
}

// Mesos task states mapped onto the Marathon conditions NotifyRateLimiterStep reacts to.
const FAILURE_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_DROPPED',
  'TASK_ERROR',
  'TASK_FAILED',
  'TASK_GONE',
  'TASK_FINISHED',
]);
const STARTED_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
]);
const DRAINING_REASONS: ReadonlySet<string> = new Set([
  'REASON_AGENT_DRAINING',
  // The same reason under Mesos's v0 name.
  'REASON_SLAVE_DRAINING',
]);

/**
 * Which backoff event a task's status update is, if any. Only updates that change the
 * instance's state count (Marathon ignores repeats). A task killed because its agent is
 * drained resets the delay: the app did nothing wrong. Killed tasks otherwise leave the
 * delay alone, as do lost and unreachable ones.
 */
export function backoffEventType(
  state: TaskState,
  reason?: string | undefined,
): BackoffEvent['type'] | undefined {
  if (
    (state === 'TASK_KILLED' || state === 'TASK_GONE_BY_OPERATOR') &&
    reason !== undefined &&
    DRAINING_REASONS.has(reason)
  ) {
    return 'reset';
  }
  if (FAILURE_STATES.has(state)) return 'failed';
  if (STARTED_STATES.has(state)) return 'started';
  return undefined;
}
