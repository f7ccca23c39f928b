/**
 * Reliable, ordered delivery of a task's status updates to its framework, as
 * Mesos's status update manager does: per task, one update is in flight at a time;
 * the next is forwarded only after the framework acknowledges the previous one by
 * uuid; an unacknowledged update is re-sent after 10 s, then with doubling backoff
 * up to 10 minutes. Updates the master makes itself carry no uuid and bypass this.
 */
import type { TaskStatus } from '../protocol/mesos.js';

export const INITIAL_RETRY_MS = 10_000;
export const MAX_RETRY_MS = 600_000;

export interface QueuedUpdate {
  frameworkId: string;
  agentId: string;
  status: TaskStatus & { uuid: string };
}

export interface StatusUpdateSink {
  /** Sends the update to the framework if it is connected; returns whether it was sent. */
  forward(update: QueuedUpdate): boolean;
  /** Tells the agent the framework acknowledged an update, so it stops retrying. */
  acknowledged(update: QueuedUpdate): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface TaskStream {
  pending: QueuedUpdate[];
  retryMs: number;
  timer?: unknown;
  /** uuids already acknowledged, so an agent's retry of one is acknowledged again, not re-sent. */
  acked: Set<string>;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class StatusUpdateQueue {
  private readonly streams = new Map<string, TaskStream>();

  constructor(
    private readonly sink: StatusUpdateSink,
    private readonly timers: Timers = realTimers,
  ) {}

  private key(frameworkId: string, taskId: string): string {
    return `${frameworkId}\u0000${taskId}`;
  }

  /** Whether an agent's update was seen before: in flight, waiting, or acknowledged. */
  knows(update: QueuedUpdate): boolean {
    const stream = this.streams.get(this.key(update.frameworkId, update.status.task_id.value));
    if (!stream) return false;
    const uuid = update.status.uuid;
    return stream.acked.has(uuid) || stream.pending.some((queued) => queued.status.uuid === uuid);
  }

  /** Queues an update from an agent; returns false if it is a duplicate. */
  enqueue(update: QueuedUpdate): boolean {
    const key = this.key(update.frameworkId, update.status.task_id.value);
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { pending: [], retryMs: INITIAL_RETRY_MS, acked: new Set() };
      this.streams.set(key, stream);
    }
    if (stream.acked.has(update.status.uuid)) {
      this.sink.acknowledged(update);
      return false;
    }
    if (stream.pending.some((queued) => queued.status.uuid === update.status.uuid)) return false;
    stream.pending.push(update);
    if (stream.pending.length === 1) this.send(key, stream);
    return true;
  }

  /**
   * Handles a framework's ACKNOWLEDGE. Returns the acknowledged update, or undefined
   * when the uuid is not the one in flight (a stale or unknown acknowledgement).
   */
  acknowledge(frameworkId: string, taskId: string, uuid: string): QueuedUpdate | undefined {
    const key = this.key(frameworkId, taskId);
    const stream = this.streams.get(key);
    const head = stream?.pending[0];
    if (!stream || !head || head.status.uuid !== uuid) return undefined;
    stream.pending.shift();
    stream.acked.add(uuid);
    if (stream.timer !== undefined) this.timers.clearTimeout(stream.timer);
    stream.timer = undefined;
    stream.retryMs = INITIAL_RETRY_MS;
    this.sink.acknowledged(head);
    if (stream.pending.length > 0) this.send(key, stream);
    return head;
  }

  /** The update in flight for a task, if any. */
  inFlight(frameworkId: string, taskId: string): QueuedUpdate | undefined {
    return this.streams.get(this.key(frameworkId, taskId))?.pending[0];
  }

  /** Re-sends every framework's in-flight update at once, e.g. after it re-subscribed. */
  resendFor(frameworkId: string): void {
    for (const [key, stream] of this.streams) {
      if (stream.pending[0]?.frameworkId !== frameworkId) continue;
      if (stream.timer !== undefined) this.timers.clearTimeout(stream.timer);
      stream.retryMs = INITIAL_RETRY_MS;
      this.send(key, stream);
    }
  }

  /** Forgets a task once its terminal update is acknowledged or its framework is gone. */
  forget(frameworkId: string, taskId: string): void {
    const key = this.key(frameworkId, taskId);
    const stream = this.streams.get(key);
    if (stream?.timer !== undefined) this.timers.clearTimeout(stream.timer);
    this.streams.delete(key);
  }

  forgetFramework(frameworkId: string): void {
    for (const key of [...this.streams.keys()]) {
      if (key.startsWith(`${frameworkId}\u0000`)) {
        const [, taskId = ''] = key.split('\u0000');
        this.forget(frameworkId, taskId);
      }
    }
  }

  close(): void {
    for (const stream of this.streams.values()) {
      if (stream.timer !== undefined) this.timers.clearTimeout(stream.timer);
    }
    this.streams.clear();
  }

  private send(key: string, stream: TaskStream): void {
    const head = stream.pending[0];
    if (!head) return;
    this.sink.forward(head);
    const delay = stream.retryMs;
    stream.timer = this.timers.setTimeout(() => {
      stream.timer = undefined;
      if (this.streams.get(key) !== stream || stream.pending[0] !== head) return;
      stream.retryMs = Math.min(stream.retryMs * 2, MAX_RETRY_MS);
      this.send(key, stream);
    }, delay);
  }
}
