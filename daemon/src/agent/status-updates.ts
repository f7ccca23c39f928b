/**
 * The agent's half of reliable status updates, as Mesos's task status update
 * manager: every update is checkpointed before it is sent, re-sent until the master
 * relays the framework's acknowledgement, and re-sent in order after a reconnect or
 * an agent restart. The master deduplicates by uuid and keeps per-task order.
 */
import type { AgentStatusUpdate, StatusUpdateAcknowledgement } from '../protocol/agent-channel.js';
import type { JsonValue, Store } from '../store/store.js';

export const RETRY_INITIAL_MS = 10_000;
export const RETRY_MAX_MS = 600_000;

interface Pending {
  key: string;
  update: AgentStatusUpdate;
  nextRetryAt: number;
  retryMs: number;
}

export class AgentStatusUpdates {
  private readonly pending = new Map<string, Pending>();
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly send: (update: AgentStatusUpdate) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads updates that were never acknowledged, oldest first. */
  async recover(): Promise<AgentStatusUpdate[]> {
    for await (const [key, value] of this.store.entries()) {
      const update = value as unknown as AgentStatusUpdate;
      const uuid = update.status.uuid;
      if (!uuid) continue;
      this.pending.set(uuid, { key, update, nextRetryAt: 0, retryMs: RETRY_INITIAL_MS });
      const sequence = Number(key.split('-')[1]);
      if (Number.isFinite(sequence)) this.sequence = Math.max(this.sequence, sequence + 1);
    }
    return [...this.pending.values()].map((entry) => entry.update);
  }

  start(): void {
    this.timer = setInterval(() => this.retryDue(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Checkpoints an update, then sends it. */
  async record(update: AgentStatusUpdate): Promise<void> {
    const uuid = update.status.uuid;
    if (!uuid) throw new Error('an agent status update needs a uuid');
    const key = `${String(this.now()).padStart(15, '0')}-${String(this.sequence++).padStart(9, '0')}`;
    await this.store.put(key, update as unknown as JsonValue);
    this.pending.set(uuid, {
      key,
      update,
      nextRetryAt: this.now() + RETRY_INITIAL_MS,
      retryMs: RETRY_INITIAL_MS,
    });
    this.send(update);
  }

  async acknowledge(ack: StatusUpdateAcknowledgement): Promise<AgentStatusUpdate | undefined> {
    const entry = this.pending.get(ack.uuid);
    if (!entry) return undefined;
    this.pending.delete(ack.uuid);
    await this.store.del(entry.key);
    return entry.update;
  }

  /** Every unacknowledged update, in the order it was made. */
  unacknowledged(): AgentStatusUpdate[] {
    return [...this.pending.values()]
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map((entry) => entry.update);
  }

  /** After (re-)registration: the master may have lost what it had, so send everything again. */
  resendAll(): void {
    for (const update of this.unacknowledged()) this.send(update);
    const now = this.now();
    for (const entry of this.pending.values()) {
      entry.retryMs = RETRY_INITIAL_MS;
      entry.nextRetryAt = now + RETRY_INITIAL_MS;
    }
  }

  private retryDue(): void {
    const now = this.now();
    const due = [...this.pending.values()]
      .filter((entry) => entry.nextRetryAt <= now)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const entry of due) {
      this.send(entry.update);
      entry.retryMs = Math.min(entry.retryMs * 2, RETRY_MAX_MS);
      entry.nextRetryAt = now + entry.retryMs;
    }
  }
}
