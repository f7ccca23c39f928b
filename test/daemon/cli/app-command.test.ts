import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeProgress,
  progressBar,
  queueBlockers,
} from '@mesolite/daemon/cli/app/deployment-progress';
import type { AppJson, QueueEntryJson } from '@mesolite/daemon/cli/app/marathon-json';
import { formatTable } from '@mesolite/daemon/cli/app/table';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const SMALL_APP = { id: 'cli-app', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 2 };
/** More memory than any test machine offers, so its launch stays stuck in the queue. */
const HUGE_APP = { id: 'too-big', cmd: 'sleep 1000', cpus: 0.1, mem: 10_000_000, instances: 1 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

function appJson(overrides: Partial<AppJson>): AppJson {
  return {
    id: '/web',
    instances: 2,
    tasksRunning: 0,
    tasksHealthy: 0,
    tasksStaged: 0,
    tasksUnhealthy: 0,
    deployments: [],
    ...overrides,
  };
}

describe('mesolite app progress, without a cluster', () => {
  const queue = (declined: Record<string, number>, count = 1): QueueEntryJson => ({
    count,
    delay: { timeLeftSeconds: 0, overdue: true },
    processedOffersSummary: {
      rejectSummaryLastOffers: ['InsufficientCpus', 'InsufficientMemory'].map((reason) => ({
        reason,
        declined: declined[reason] ?? 0,
        processed: 1,
      })),
    },
    app: { id: '/web' },
  });

  it('names only the reasons that declined offers', () => {
    expect(queueBlockers(queue({ InsufficientMemory: 1 }))).toEqual([
      'InsufficientMemory (declined 1/1 offers)',
    ]);
  });

  it('names no reasons once nothing is left to launch', () => {
    expect(queueBlockers(queue({ InsufficientMemory: 1 }, 0))).toEqual([]);
  });

  it('counts running instances against the target, and health only for apps with checks', () => {
    const plain = describeProgress({
      kind: 'deploy',
      appId: '/web',
      deploymentId: 'd1',
      app: appJson({ tasksRunning: 1 }),
    });
    expect(plain.summary).toBe('1/2 running');
    expect(plain.fraction).toBe(0.5);

    const checked = describeProgress({
      kind: 'deploy',
      appId: '/web',
      deploymentId: 'd1',
      app: appJson({ tasksRunning: 2, tasksHealthy: 1, healthChecks: [{}] }),
    });
    expect(checked.summary).toBe('2/2 running · 1/2 healthy');
    expect(checked.fraction).toBe(0.5);
  });

  it('counts a restart by the instances that run the new configuration', () => {
    const progress = describeProgress({
      kind: 'restart',
      appId: '/web',
      deploymentId: 'd1',
      app: appJson({
        tasksRunning: 3,
        versionInfo: { lastConfigChangeAt: '2030-01-01T00:00:10.000Z' },
        tasks: [
          { id: 'a', host: 'h', state: 'TASK_RUNNING', version: '2030-01-01T00:00:00.000Z' },
          { id: 'b', host: 'h', state: 'TASK_RUNNING', version: '2030-01-01T00:00:00.000Z' },
          { id: 'c', host: 'h', state: 'TASK_RUNNING', version: '2030-01-01T00:00:10.000Z' },
        ],
      }),
    });
    expect(progress.summary).toBe('1/2 replaced · 3/2 running');
  });

  it('shows a removal by its steps', () => {
    const progress = describeProgress({
      kind: 'remove',
      appId: '/web',
      deploymentId: 'd1',
      deployment: {
        id: 'd1',
        affectedApps: ['/web'],
        currentStep: 1,
        totalSteps: 2,
        currentActions: [{ action: 'StopApplication', app: '/web' }],
      },
    });
    expect(progress).toEqual({ fraction: 0, summary: 'step 1/2 StopApplication', blockers: [] });
  });

  it('draws a bar of fixed width', () => {
    expect(progressBar(0.5, 10)).toBe('[#####-----]');
    expect(progressBar(2, 4)).toBe('[####]');
  });

  it('pads table columns to their widest cell', () => {
    expect(formatTable(['ID', 'N'], [['/long-name', '1']])).toBe('ID          N\n/long-name  1\n');
  });
});

describe('mesolite app, without a master', () => {
  it('lists its subcommands in --help', async () => {
    const result = await runCli(['app', '--help']);
    expect(result.code).toBe(0);
    for (const command of ['add', 'list', 'show', 'scale', 'restart', 'remove', 'tasks']) {
      expect(result.stdout).toMatch(new RegExp(`\\b${command}\\b`));
    }
  });

  it('reports an unreachable master with its address and the cause, exit 1', async () => {
    // A port that was just free and is closed again refuses connections.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const result = await runCli(['app', 'list', '--master', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach http://127.0.0.1:${port}/service/marathon`);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  it('refuses a definition file that is missing or not JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-app-cli-'));
    try {
      const file = join(dir, 'app.json');
      await writeFile(file, '{"id": ');
      const notJson = await runCli(['app', 'add', file, '--master', 'http://127.0.0.1:1']);
      expect(notJson.code).toBe(1);
      expect(notJson.stderr).toContain(`cannot use ${file} as an app definition: it is not JSON`);

      const missing = await runCli(['app', 'add', join(dir, 'nope.json')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('ENOENT');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mesolite app, against the real daemon', () => {
  let daemon: TestDaemon;
  let base: string;
  let dir: string;

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    base = `${daemon.url}/service/marathon`;
    dir = await mkdtemp(join(tmpdir(), 'mesolite-app-cli-'));
  });
  afterEach(async () => {
    const { apps } = (await (await fetch(`${base}/v2/apps`)).json()) as { apps: AppJson[] };
    for (const app of apps)
      await fetch(`${base}/v2/apps${app.id}?force=true`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const app = (...args: string[]) => runCli(['app', ...args, '--master', daemon.url]);

  async function definitionFile(definition: object): Promise<string> {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(definition));
    return file;
  }

  async function appState(id: string): Promise<AppJson> {
    return ((await (await fetch(`${base}/v2/apps${id}`)).json()) as { app: AppJson }).app;
  }

  /** `app add` of the small app, which waits until both instances run. */
  async function addSmallApp(): Promise<void> {
    const added = await app('add', await definitionFile(SMALL_APP));
    expect(added.code, added.stderr).toBe(0);
  }

  it('adds an app, prints its ids, waits for the deployment and exits 0 with it running', async () => {
    const result = await app('add', await definitionFile(SMALL_APP));

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^/cli-app: created, deployment ${UUID.source}$`, 'm'),
    );
    expect(result.stdout).toContain('/cli-app: deployment done, 2/2 running');
    // Not a terminal: progress comes as plain lines on stderr, not a redrawn bar.
    expect(result.stderr).toMatch(/\/cli-app: .*running/);
    expect(result.stderr).not.toContain('\r');
    const state = await appState('/cli-app');
    expect(state.tasksRunning).toBe(2);
    expect(state.deployments).toEqual([]);
  });

  it('returns at once with --no-wait, leaving the deployment running', async () => {
    const result = await app('add', await definitionFile(SMALL_APP), '--no-wait');

    expect(result.code).toBe(0);
    const deploymentId = UUID.exec(result.stdout)?.[0];
    expect(deploymentId).toBeDefined();
    expect(result.stdout).not.toContain('deployment done');
    expect((await appState('/cli-app')).instances).toBe(2);
  });

  it("refuses an invalid app, printing each of Marathon's 422 details, exit non-zero", async () => {
    const result = await app(
      'add',
      await definitionFile({ ...SMALL_APP, cpus: -1, instances: -2 }),
    );

    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Marathon refused the app definition');
    expect(result.stderr).toMatch(/^ {2}\/cpus: \S/m);
    expect(result.stderr).toMatch(/^ {2}\/instances: \S/m);
    expect((await fetch(`${base}/v2/apps/cli-app`)).status).toBe(404);
  });

  it("gives up after --timeout, saying what it waited for and the queue's reasons", async () => {
    const result = await app('add', await definitionFile(HUGE_APP), '--timeout', '3');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('timed out after 3s waiting for /too-big');
    expect(result.stderr).toContain('0/1 running');
    expect(result.stderr).toContain('InsufficientMemory');
  });

  it('reports a conflicting deployment (409) with the deployment in the way', async () => {
    const added = await app('add', await definitionFile(HUGE_APP), '--no-wait');
    const deploymentId = UUID.exec(added.stdout)?.[0] ?? 'missing';

    const result = await app('scale', 'too-big', '2');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('locked by one or more deployments');
    expect(result.stderr).toContain(`blocked by deployment ${deploymentId}`);
  });

  it('lists apps as a table, and as JSON with --json', async () => {
    await addSmallApp();

    const table = await app('list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+INSTANCES\s+RUNNING\s+HEALTHY\s+DEPLOYMENTS$/,
    );
    // No health checks: HEALTHY says "-" rather than a misleading 0; no deployment is running.
    expect(table.stdout).toMatch(/^\/cli-app\s+2\s+2\s+-\s+-$/m);

    const json = await app('list', '--json');
    const body = JSON.parse(json.stdout) as { apps: AppJson[] };
    expect(body.apps.map((entry) => entry.id)).toEqual(['/cli-app']);
  });

  it("shows an app's JSON, and says so when there is no such app", async () => {
    await addSmallApp();

    const shown = await app('show', 'cli-app');
    expect(shown.code).toBe(0);
    const json = JSON.parse(shown.stdout) as AppJson;
    expect(json).toMatchObject({ id: '/cli-app', instances: 2, cmd: 'sleep 1000' });
    expect(shown.stdout).toContain('\n  "id": "/cli-app"');

    const missing = await app('show', '/nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("App '/nope' does not exist");
  });

  it("lists an app's tasks with host, ports, state and health", async () => {
    await addSmallApp();

    const result = await app('tasks', '/cli-app');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TASK ID\s+HOST\s+PORTS\s+STATE\s+HEALTH$/);
    expect(lines).toHaveLength(3);
    const { tasks } = (await (await fetch(`${base}/v2/apps/cli-app/tasks`)).json()) as {
      tasks: Array<{ id: string; host: string; ports: number[] }>;
    };
    for (const task of tasks) {
      const row = lines.find((line) => line.startsWith(task.id));
      expect(row).toMatch(
        new RegExp(`\\s${task.host}\\s+${task.ports.join(',')}\\s+TASK_RUNNING\\s+-$`),
      );
    }
  });

  it('scales an app and waits until the new instances run', async () => {
    await addSmallApp();

    const result = await app('scale', 'cli-app', '3');

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('/cli-app: scaling to 3, deployment');
    expect(result.stdout).toContain('/cli-app: deployment done, 3/3 running');
    const state = await appState('/cli-app');
    expect(state.instances).toBe(3);
    expect(state.tasksRunning).toBe(3);
  });

  it('does not create an app by scaling one that does not exist', async () => {
    const result = await app('scale', 'no-such-app', '1');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain("App '/no-such-app' does not exist");
    expect((await fetch(`${base}/v2/apps/no-such-app`)).status).toBe(404);
  });

  it('restarts an app, replacing every instance before it exits', async () => {
    await addSmallApp();
    const before = (await appState('/cli-app')).tasks?.map((task) => task.id) ?? [];

    const result = await app('restart', 'cli-app');

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('/cli-app: deployment done');
    const after = (await appState('/cli-app')).tasks ?? [];
    const running = after.filter((task) => task.state === 'TASK_RUNNING');
    expect(running).toHaveLength(2);
    expect(running.some((task) => before.includes(task.id))).toBe(false);
  });

  it('removes an app and waits until it is gone', async () => {
    await addSmallApp();

    const result = await app('remove', 'cli-app');

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('/cli-app: removed');
    expect((await fetch(`${base}/v2/apps/cli-app`)).status).toBe(404);
    expect(await (await fetch(`${base}/v2/deployments`)).json()).toEqual([]);
  });
});
