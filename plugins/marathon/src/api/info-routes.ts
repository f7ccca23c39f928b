/** /v2/info, /v2/leader, /ping and /metrics, as Marathon answers them. */
import type { FastifyInstance } from 'fastify';

export interface InfoSource {
  version: string;
  frameworkId(): string | undefined;
  leader(): string;
  masterUrl: string;
  counts(): {
    apps: number;
    tasksRunning: number;
    tasksStaged: number;
    deployments: number;
    queued: number;
  };
}

export function infoRoutes(source: InfoSource) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/ping', async (_request, reply) => reply.type('text/plain').send('pong'));
    app.get('/v2/info', async () => ({
      name: 'marathon',
      version: source.version,
      buildref: 'mesolite',
      elected: true,
      leader: source.leader(),
      frameworkId: source.frameworkId() ?? null,
      marathon_config: {
        checkpoint: true,
        decline_offer_duration: 120000,
        failover_timeout: 604800,
        framework_name: 'marathon',
        ha: false,
        local_port_max: 20000,
        local_port_min: 10000,
        master: source.masterUrl,
        mesos_leader_ui_url: `${source.masterUrl}/`,
        mesos_role: '*',
        mesos_user: 'root',
        task_launch_timeout: 300000,
      },
      http_config: { http_port: 8080 },
    }));
    app.get('/v2/leader', async () => ({ leader: source.leader() }));
    app.get('/metrics', async () => {
      const counts = source.counts();
      const gauge = (value: number) => ({ value });
      return {
        version: '4.0.0',
        gauges: {
          'marathon.apps.active.gauge': gauge(counts.apps),
          'marathon.deployments.active.gauge': gauge(counts.deployments),
          'marathon.instances.running.gauge': gauge(counts.tasksRunning),
          'marathon.instances.staged.gauge': gauge(counts.tasksStaged),
          'marathon.instances.launch-overdue.gauge': gauge(counts.queued),
        },
        counters: {},
        histograms: {},
        meters: {},
        timers: {},
      };
    });
  };
}
