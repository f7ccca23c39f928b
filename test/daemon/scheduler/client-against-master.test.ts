import { inProcessEndpoint } from '@mesolite/daemon/master/in-process-endpoint';
import type { Offer, TaskStatus } from '@mesolite/daemon/protocol/mesos';
import { SchedulerClient } from '@mesolite/daemon/scheduler/client';
import { HttpSchedulerTransport } from '@mesolite/daemon/scheduler/http-transport';
import { InProcessSchedulerTransport } from '@mesolite/daemon/scheduler/in-process-transport';
import type { SchedulerTransport } from '@mesolite/daemon/scheduler/transport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { ProtocolAgent } from '../../support/protocol-agent.js';

const transports: Array<[string, (daemon: TestDaemon) => SchedulerTransport]> = [
  ['in-process', (daemon) => new InProcessSchedulerTransport(inProcessEndpoint(daemon.master))],
  ['HTTP', (daemon) => new HttpSchedulerTransport({ master: daemon.url })],
];

describe.each(transports)(
  'the SchedulerClient over the %s transport against the real master',
  (_name, makeTransport) => {
    let daemon: TestDaemon;
    let agent: ProtocolAgent;
    let client: SchedulerClient;
    beforeEach(async () => {
      daemon = await startTestDaemon();
      agent = new ProtocolAgent(daemon.url);
      await agent.connect();
      client = new SchedulerClient({ transport: makeTransport(daemon), autoAcknowledge: true });
    });
    afterEach(async () => {
      client.close();
      agent.disconnect();
      await daemon.stop();
    });

    it('subscribes, launches a task from an offer and sees it RUNNING', async () => {
      const offers = new Promise<Offer[]>((resolve) => client.once('offers', resolve));
      await client.subscribe({ user: 'root', name: 'client-test', failover_timeout: 60 });
      const [offer] = await offers;
      if (!offer) throw new Error('no offer');
      const running = new Promise<TaskStatus>((resolve) => {
        const off = client.on('update', (status) => {
          if (status.state === 'TASK_RUNNING') {
            off();
            resolve(status);
          }
        });
      });
      await client.accept(
        [offer.id],
        [
          {
            type: 'LAUNCH',
            launch: {
              task_infos: [
                {
                  name: 'via-client',
                  task_id: { value: 'via-client' },
                  agent_id: offer.agent_id,
                  resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } }],
                  command: { value: 'sleep 10' },
                },
              ],
            },
          },
        ],
      );
      expect((await running).task_id.value).toBe('via-client');
      await expect.poll(() => agent.unacknowledged.size).toBe(0);
    });

    it('gets the master’s 400 as an error carrying the status', async () => {
      await client.subscribe({ user: 'root', name: 'client-test' });
      await expect(client.kill({ value: '' })).rejects.toMatchObject({ statusCode: 400 });
    });
  },
);
