import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

/** marathon-event-bus-client, a consumer written for Marathon's /v2/events, used unchanged. */
interface EventBusClient {
  subscribe(): void;
  unsubscribe(): void;
  on(event: string, listener: (data: unknown) => void): void;
}
type ClientFactory = (options: Record<string, unknown>) => EventBusClient;
const MarathonEventBusClient = createRequire(import.meta.url)(
  'marathon-event-bus-client',
) as ClientFactory;

describe('an event-stream consumer written for Marathon', () => {
  let daemon: TestDaemon;
  let client: EventBusClient | undefined;
  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
  });
  afterEach(async () => {
    client?.unsubscribe();
    await fetch(`${daemon.url}/service/marathon/v2/apps/observed?force=true`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  it('receives deployment and status events through /service/marathon/v2/events', async () => {
    const url = new URL(daemon.url);
    const seen: Record<string, unknown[]> = {};
    const record = (name: string, data: unknown) => {
      seen[name] = [...(seen[name] ?? []), data];
    };
    client = MarathonEventBusClient({
      marathonHost: url.hostname,
      marathonPort: url.port,
      marathonUri: '/service/marathon/v2/events',
      eventTypes: ['deployment_info', 'deployment_success', 'status_update_event'],
      handlers: {
        deployment_info: record,
        deployment_success: record,
        status_update_event: record,
      },
    });
    // The stream ends when the daemon stops; the client reports that as an error.
    client.on('error', () => undefined);
    const subscribed = new Promise((resolve) => client?.on('subscribed', resolve));
    client.subscribe();
    await subscribed;
    await fetch(`${daemon.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'observed', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 }),
    });
    const deadline = Date.now() + 20_000;
    while (!(seen.deployment_success && seen.status_update_event) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen.deployment_info?.length).toBeGreaterThan(0);
    expect(seen.deployment_success?.length).toBeGreaterThan(0);
    const update = seen.status_update_event?.[0] as { appId: string; taskStatus: string };
    expect(update.appId).toBe('/observed');
    expect(['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING']).toContain(update.taskStatus);
  });
});
