/**
 * A small framework for tests that need tasks to run: a RawScheduler (plain HTTP,
 * Mesos's wire format) that acknowledges every update, remembers each task's
 * statuses, and launches a TaskInfo on the first offer that fits.
 */
import { type Json, RawScheduler } from './raw-mesos-scheduler.js';

export class TestFramework {
  readonly scheduler: RawScheduler;
  readonly statuses = new Map<string, Json[]>();
  private readonly offers: Json[] = [];
  private closed = false;

  constructor(masterUrl: string) {
    this.scheduler = new RawScheduler(masterUrl);
  }

  async subscribe(info: Json = {}, frameworkId?: string): Promise<string> {
    const response = await this.scheduler.subscribe(
      { user: 'root', name: 'test-framework', failover_timeout: 3600, ...info },
      frameworkId,
    );
    if (response.status !== 200)
      throw new Error(`SUBSCRIBE answered ${response.status}: ${response.body}`);
    await this.scheduler.nextOfType('SUBSCRIBED');
    void this.run();
    return String(this.scheduler.frameworkId);
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const event = await this.scheduler
        .next((e) => e.type === 'UPDATE' || e.type === 'OFFERS', 60_000)
        .catch(() => undefined);
      if (!event) continue;
      if (event.type === 'OFFERS') {
        this.offers.push(...event.offers.offers);
        continue;
      }
      const status = event.update.status;
      const list = this.statuses.get(status.task_id.value) ?? [];
      list.push(status);
      this.statuses.set(status.task_id.value, list);
      if (status.uuid) {
        // A lost acknowledgement (the daemon stopping under the test) is re-sent for by
        // the master, as for any framework; it is no failure of the test.
        await this.scheduler
          .call({
            type: 'ACKNOWLEDGE',
            framework_id: { value: this.scheduler.frameworkId },
            acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
          })
          .catch(() => undefined);
      }
    }
  }

  /** Waits for an offer, then launches the task built from it; returns the offer used. */
  async launch(build: (offer: Json) => Json): Promise<Json> {
    const deadline = Date.now() + 15_000;
    while (this.offers.length === 0) {
      if (Date.now() > deadline) throw new Error('no offer within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const offer = this.offers.shift();
    const response = await this.scheduler.call({
      type: 'ACCEPT',
      framework_id: { value: this.scheduler.frameworkId },
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [build(offer)] } }],
        filters: { refuse_seconds: 0 },
      },
    });
    if (response.status !== 202)
      throw new Error(`ACCEPT answered ${response.status}: ${response.text}`);
    return offer;
  }

  /** The first status of the task in one of the given states. */
  async waitFor(taskId: string, states: string[], timeoutMs = 20_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.statuses.get(taskId)?.find((status) => states.includes(status.state));
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = (this.statuses.get(taskId) ?? []).map((s) => `${s.state}: ${s.message ?? ''}`);
        throw new Error(
          `task ${taskId} reached none of ${states.join(', ')} in ${timeoutMs} ms; saw ${JSON.stringify(seen)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async kill(taskId: string): Promise<void> {
    await this.scheduler.call({
      type: 'KILL',
      framework_id: { value: this.scheduler.frameworkId },
      kill: { task_id: { value: taskId } },
    });
  }

  close(): void {
    this.closed = true;
    this.scheduler.close();
  }
}

export function scalar(name: string, value: number): Json {
  return { name, type: 'SCALAR', scalar: { value } };
}

/** A command task for an offer: small cpus/mem and, if asked, the first ports of the offer. */
export function commandTask(
  offer: Json,
  id: string,
  command: Json,
  extra: Json = {},
  ports = 0,
): Json {
  const resources: Json[] = [scalar('cpus', 0.1), scalar('mem', 32)];
  if (ports > 0) {
    const range = offer.resources.find((r: Json) => r.name === 'ports').ranges.range[0];
    resources.push({
      name: 'ports',
      type: 'RANGES',
      ranges: { range: [{ begin: range.begin, end: range.begin + ports - 1 }] },
    });
  }
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources,
    command,
    ...extra,
  };
}
