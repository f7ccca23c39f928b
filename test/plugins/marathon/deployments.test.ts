import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliDaemon, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { endLeftoversUnder } from '../../support/leftovers.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { waitFor } from '../../support/wait.js';

const send = (url: string, body: Json, method = 'POST') =>
  fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** An HTTP service healthy while `flag` exists, on $PORT0. */
function gatedServer(flag: string): string {
  return [
    'import http.server, os, sys',
    'class H(http.server.BaseHTTPRequestHandler):',
    '    def do_GET(self):',
    `        self.send_response(200 if os.path.exists(${JSON.stringify(flag)}) else 503)`,
    '        self.end_headers()',
    '    def log_message(self, *a): pass',
    "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()",
  ].join('\n');
}

const FAST_HEALTH = {
  protocol: 'HTTP',
  path: '/',
  portIndex: 0,
  gracePeriodSeconds: 30,
  intervalSeconds: 1,
  timeoutSeconds: 1,
  maxConsecutiveFailures: 3,
};

describe('Marathon deployments', () => {
  let daemon: TestDaemon | undefined;
  const children: ChildProcess[] = [];
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    if (daemon) {
      const base = `${daemon.url}/service/marathon`;
      const { apps } = (await (await fetch(`${base}/v2/apps`)).json()) as { apps: Json[] };
      for (const app of apps)
        await fetch(`${base}/v2/apps${app.id}?force=true`, { method: 'DELETE' });
      await daemon.agent?.agent.killAll();
      await daemon.stop();
      daemon = undefined;
    }
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('restarts an app rolling, never below its minimum healthy capacity nor above its over-capacity', async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    const base = `${daemon.url}/service/marathon`;
    const app = {
      id: 'rolling',
      cmd: 'exec python3 -m http.server $PORT0 --bind 127.0.0.1',
      cpus: 0.1,
      mem: 64,
      instances: 3,
      healthChecks: [FAST_HEALTH],
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 },
    };
    expect((await send(`${base}/v2/apps`, app)).status).toBe(201);
    const before = await waitFor('three healthy instances, deployed', async () => {
      const state = ((await (await fetch(`${base}/v2/apps/rolling`)).json()) as { app: Json }).app;
      return state.tasksHealthy === 3 && state.deployments.length === 0 ? state : undefined;
    });
    const oldIds = new Set(before.tasks.map((task: Json) => task.id));

    const restart = await fetch(`${base}/v2/apps/rolling/restart`, { method: 'POST' });
    expect(restart.status).toBe(200);
    let minHealthy = Number.POSITIVE_INFINITY;
    let maxTasks = 0;
    const after = await waitFor(
      'the restart to finish',
      async () => {
        const state = ((await (await fetch(`${base}/v2/apps/rolling`)).json()) as { app: Json })
          .app;
        minHealthy = Math.min(minHealthy, state.tasksHealthy);
        maxTasks = Math.max(maxTasks, state.tasks.length);
        const fresh = state.tasks.filter((task: Json) => !oldIds.has(task.id));
        return state.deployments.length === 0 && fresh.length === 3 && state.tasksHealthy === 3
          ? state
          : undefined;
      },
      90_000,
    );
    expect(after.tasks).toHaveLength(3);
    expect(minHealthy).toBeGreaterThanOrEqual(3);
    // With minimumHealthCapacity 1 and no over-capacity, Marathon allows one instance over.
    expect(maxTasks).toBeLessThanOrEqual(4);
  }, 120_000);

  it('reports why an app cannot be placed in /v2/queue (UNIQUE hostname on one agent)', async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    const base = `${daemon.url}/service/marathon`;
    await send(`${base}/v2/apps`, {
      id: 'spread',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 32,
      instances: 2,
      constraints: [['hostname', 'UNIQUE']],
    });
    const queued = await waitFor(
      'one instance running and the other blocked by the constraint',
      async () => {
        const { queue } = (await (await fetch(`${base}/v2/queue`)).json()) as { queue: Json[] };
        const entry = queue.find((item) => item.app.id === '/spread');
        const reasons = entry?.processedOffersSummary.rejectSummaryLastOffers ?? [];
        const constraint = reasons.find(
          (reason: Json) => reason.reason === 'UnfulfilledConstraint',
        );
        const state = ((await (await fetch(`${base}/v2/apps/spread`)).json()) as { app: Json }).app;
        return entry && constraint?.declined > 0 && state.tasksRunning === 1 ? entry : undefined;
      },
    );
    expect(queued.count).toBe(1);
    expect(queued).not.toHaveProperty('lastUnusedOffers');
    // `since` is when the app joined the queue, so it stays put while the app waits.
    const { queue: later } = (await (await fetch(`${base}/v2/queue`)).json()) as { queue: Json[] };
    expect(later.find((item) => item.app.id === '/spread')?.since).toBe(queued.since);
    const embedded = (await (await fetch(`${base}/v2/queue?embed=lastUnusedOffers`)).json()) as {
      queue: Json[];
    };
    const entry = embedded.queue.find((item) => item.app.id === '/spread');
    const [lastUnused] = entry?.lastUnusedOffers ?? [];
    expect(lastUnused).toMatchObject({
      offer: { agentId: daemon.agent?.agent.id },
      reason: expect.arrayContaining(['UnfulfilledConstraint']),
    });
  }, 60_000);

  it('loses nothing when the daemon is killed with -9 during a deployment', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-marathon-kill-'));
    cleanups.push(async () => {
      // The daemons are killed by then; their tasks outlive them, as tasks outlive an agent.
      await endLeftoversUnder(workDir);
      await rm(workDir, { recursive: true, force: true });
    });
    const flag = join(workDir, 'healthy-now');
    await writeFile(join(workDir, 'server.py'), gatedServer(flag));
    const start = (port: number) =>
      startCliDaemon([
        'up',
        '--port',
        String(port),
        '--work-dir',
        workDir,
        '--plugins',
        'marathon',
      ]);
    const first = await start(0);
    children.push(first.child);
    const port = Number(new URL(first.url).port);
    const base = `${first.url}/service/marathon`;
    const created = await send(`${base}/v2/apps`, {
      id: 'survivor',
      cmd: `exec python3 ${join(workDir, 'server.py')} $PORT0`,
      cpus: 0.1,
      mem: 64,
      instances: 2,
      healthChecks: [{ ...FAST_HEALTH, gracePeriodSeconds: 300 }],
    });
    expect(created.status).toBe(201);
    const deploymentId = created.headers.get('marathon-deployment-id');
    const running = await waitFor('two running, not yet healthy', async () => {
      const state = ((await (await fetch(`${base}/v2/apps/survivor`)).json()) as { app: Json }).app;
      return state.tasksRunning === 2 ? state : undefined;
    });
    const taskIds = running.tasks.map((task: Json) => task.id).sort();

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    const second = await start(port);
    children.push(second.child);
    const secondBase = `${second.url}/service/marathon`;
    const resumed = (await waitFor('the deployment listed again', async () => {
      const list = (await (await fetch(`${secondBase}/v2/deployments`)).json()) as Json[];
      return list.length > 0 ? list : undefined;
    })) as Json[];
    expect(resumed.map((deployment) => deployment.id)).toEqual([deploymentId]);

    await writeFile(flag, 'yes');
    const done = await waitFor(
      'the deployment to finish with the same instances',
      async () => {
        const state = (
          (await (await fetch(`${secondBase}/v2/apps/survivor`)).json()) as { app: Json }
        ).app;
        return state.deployments.length === 0 && state.tasksHealthy === 2 ? state : undefined;
      },
      60_000,
    );
    const ids = done.tasks.map((task: Json) => task.id).sort();
    // Should an instance be replaced, say how the old one ended, for whoever debugs it.
    const ended = (await (await fetch(`${second.url}/master/state`)).json()) as Json;
    const endings = ended.frameworks
      .flatMap((framework: Json) => framework.completed_tasks)
      .map(
        (task: Json) => `${task.id}: ${task.state} ${JSON.stringify(task.statuses.at(-1) ?? {})}`,
      );
    expect(ids, endings.join('\n')).toEqual(taskIds);
    await fetch(`${secondBase}/v2/apps/survivor?force=true`, { method: 'DELETE' });
    await waitFor('its tasks gone', async () => {
      const { tasks } = (await (await fetch(`${secondBase}/v2/tasks`)).json()) as { tasks: Json[] };
      return tasks.length === 0 ? true : undefined;
    });
  }, 150_000);
});
