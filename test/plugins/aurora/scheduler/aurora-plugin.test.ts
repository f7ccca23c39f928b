import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@mesolite/plugin-aurora/job-config';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../../support/daemon.js';
import { busyboxImage, dockerEngine } from '../../../support/real-services.js';
import { waitFor } from '../../../support/wait.js';
import { job, process as proc, sequentialTask, task } from '../thermos/task-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field.
type Json = any;

/**
 * The Aurora plugin against a real daemon (master, agent, plugin), its tasks run by the
 * built Thermos runner as real processes (`npx tsc -b plugins/aurora` builds it).
 */
describe('the Aurora plugin', () => {
  let daemon: TestDaemon;
  let base: string;

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['aurora'] });
    base = `${daemon.url}/service/aurora`;
  });
  afterEach(async () => {
    const { jobs } = (await (await fetch(`${base}/jobs`)).json()) as { jobs: Json[] };
    for (const { key } of jobs) await fetch(`${base}/jobs/${key}`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  const keyOf = (j: Job) => `${j.cluster}/${j.role}/${j.environment}/${j.name}`;

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  async function status(key: string): Promise<Json> {
    return (await send('GET', `/jobs/${key}`)).json();
  }

  const taskWhere = (
    key: string,
    what: string,
    test: (task: Json) => boolean,
    timeoutMs?: number,
  ) =>
    waitFor(
      what,
      async () => {
        const s = await status(key);
        return [...(s.activeTasks ?? []), ...(s.inactiveTasks ?? [])].find(test);
      },
      timeoutMs,
    );

  async function processes(taskId: string): Promise<Json> {
    return (await send('GET', `/tasks/${taskId}`)).json();
  }

  async function readLog(url: string): Promise<string> {
    const { data } = (await (await fetch(url)).json()) as { data: string };
    return data;
  }

  it('runs a SequentialTask’s processes in order, with their logs in the Thermos layout', async () => {
    const hello = job(
      'hello',
      sequentialTask([
        proc('fetch', 'echo fetched >> order'),
        proc('build', 'sleep 0.2; echo built >> order; echo building'),
        proc('run', 'echo ran >> order; echo running; cat order'),
      ]),
    );
    const key = keyOf(hello);
    expect((await send('POST', `/jobs/${key}`, { job: hello })).status).toBe(201);
    const finished = await taskWhere(key, 'the task to finish', (t) => t.status === 'FINISHED');
    const details = await processes(finished.taskId);
    expect(details.taskState).toBe('SUCCESS');
    expect(details.processes.map((p: Json) => [p.name, p.state])).toEqual([
      ['fetch', 'SUCCESS'],
      ['build', 'SUCCESS'],
      ['run', 'SUCCESS'],
    ]);
    const run = details.processes.find((p: Json) => p.name === 'run');
    expect(run.runs[0].stdout).toContain(encodeURIComponent('/.logs/run/0/stdout'));
    expect(await readLog(run.runs[0].stdout)).toBe('running\nfetched\nbuilt\nran\n');
  });

  it('refuses a cron job on create and a job key that does not match, changing nothing', async () => {
    const cron = job('nightly', task([proc('p', 'true')]), { cron_schedule: '0 3 * * *' });
    const refused = await send('POST', `/jobs/${keyOf(cron)}`, { job: cron });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toContain(
      'Cron jobs may only be scheduled with aurora cron schedule',
    );
    const plain = job('plain', task([proc('p', 'true')]));
    const mismatch = await send('POST', '/jobs/devcluster/www-data/devel/other', { job: plain });
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).code).toBe('MESOLITE_ERR_AURORA_JOB_KEY_MISMATCH');
    expect((await (await send('GET', '/jobs')).json()).jobs).toEqual([]);
  });

  it('answers 409 to a second create of the same job and 404 for an unknown one', async () => {
    const j = job('twice', task([proc('p', 'sleep 30')]));
    expect((await send('POST', `/jobs/${keyOf(j)}`, { job: j })).status).toBe(201);
    const again = await send('POST', `/jobs/${keyOf(j)}`, { job: j });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe('MESOLITE_ERR_AURORA_JOB_EXISTS');
    const unknown = await send('GET', '/jobs/devcluster/www-data/devel/nothing');
    expect(unknown.status).toBe(404);
  });

  it('restarts a service’s task when it ends', async () => {
    const svc = job('svc', task([proc('once', 'sleep 0.5')]), { service: true });
    const key = keyOf(svc);
    await send('POST', `/jobs/${key}`, { job: svc });
    const first = await taskWhere(key, 'the first task to finish', (t) => t.status === 'FINISHED');
    // Aurora holds a flapping service's replacement back (initial_flapping_task_delay, 30 s).
    const second = await taskWhere(
      key,
      'a replacement task to run',
      (t) => t.taskId !== first.taskId && (t.status === 'RUNNING' || t.status === 'FINISHED'),
      90_000,
    );
    expect(second.instance).toBe(0);
  }, 120_000);

  it('marks a service healthy through its HTTP health check on {{thermos.ports[http]}}', async () => {
    const server = `node -e "require('http').createServer((q,s)=>s.end(q.url==='/health'?'OK\\n':'no')).listen({{thermos.ports[http]}})"`;
    const web = job('web', task([proc('server', server)]), {
      service: true,
      health_check_config: {
        health_checker: {
          http: { endpoint: '/health', expected_response: 'ok', expected_response_code: 0 },
        },
        initial_interval_secs: 1,
        interval_secs: 1,
        max_consecutive_failures: 3,
        min_consecutive_successes: 1,
        timeout_secs: 1,
      },
    });
    const key = keyOf(web);
    await send('POST', `/jobs/${key}`, { job: web });
    const healthy = await taskWhere(
      key,
      'a healthy task',
      (t) => t.status === 'RUNNING' && t.healthy === true,
    );
    expect(healthy.ports.http).toEqual(expect.any(Number));
    const body = await (await fetch(`http://127.0.0.1:${healthy.ports.http}/health`)).text();
    expect(body).toBe('OK\n');
  });

  it('kills a cron job’s running instance for a new run under KILL_EXISTING', async () => {
    const cron = job('tick', task([proc('long', 'sleep 60')]), { cron_schedule: '0 0 1 1 *' });
    const key = keyOf(cron);
    expect((await send('PUT', `/jobs/${key}/cron`, { job: cron })).status).toBe(200);
    expect((await (await send('POST', `/jobs/${key}/cron/start`)).json()).outcome).toBe('started');
    const first = await taskWhere(key, 'the first run', (t) => t.status === 'RUNNING');
    expect((await (await send('POST', `/jobs/${key}/cron/start`)).json()).outcome).toBe('started');
    await taskWhere(
      key,
      'the first run killed',
      (t) => t.taskId === first.taskId && t.status === 'KILLED',
    );
    await taskWhere(
      key,
      'the second run',
      (t) => t.taskId !== first.taskId && t.status === 'RUNNING',
    );
  });

  it('skips a cron run while the last one runs under CANCEL_NEW', async () => {
    const cron = job('once-at-a-time', task([proc('long', 'sleep 60')]), {
      cron_schedule: '0 0 1 1 *',
      cron_collision_policy: 'CANCEL_NEW',
    });
    const key = keyOf(cron);
    await send('PUT', `/jobs/${key}/cron`, { job: cron });
    await send('POST', `/jobs/${key}/cron/start`);
    const first = await taskWhere(key, 'the first run', (t) => t.status === 'RUNNING');
    expect((await (await send('POST', `/jobs/${key}/cron/start`)).json()).outcome).toBe(
      'cancelled',
    );
    const s = await status(key);
    expect(s.activeTasks.map((t: Json) => t.taskId)).toEqual([first.taskId]);
  });

  it('rolls an update of a service to a failing version back', async () => {
    const v1 = job('api', task([proc('serve', 'sleep 600')]), {
      service: true,
      update_config: {
        batch_size: 1,
        watch_secs: 2,
        max_per_shard_failures: 0,
        max_total_failures: 0,
        rollback_on_failure: true,
        wait_for_batch_completion: false,
      },
    });
    const key = keyOf(v1);
    await send('POST', `/jobs/${key}`, { job: v1 });
    const old = await taskWhere(key, 'version 1 to run', (t) => t.status === 'RUNNING');
    const v2 = { ...v1, task: task([proc('serve', 'exit 1')]) };
    const started = await send('POST', `/jobs/${key}/update`, { job: v2 });
    expect(started.status).toBe(202);
    const update = await waitFor('the update to roll back', async () => {
      const info = (await (await send('GET', `/jobs/${key}/update`)).json()) as Json;
      return info.update.status === 'ROLLED_BACK' ? info.update : undefined;
    });
    expect(update.events.map((e: Json) => e.status)).toEqual([
      'ROLLING_FORWARD',
      'ROLLING_BACK',
      'ROLLED_BACK',
    ]);
    const restored = await taskWhere(
      key,
      'version 1 to run again',
      (t) => t.status === 'RUNNING' && t.version === old.version && t.taskId !== old.taskId,
    );
    expect(restored.instance).toBe(0);
    const inspect = (await (await send('GET', `/jobs/${key}/config`)).json()) as Json;
    expect(inspect.job.task.processes[0].cmdline).toBe('sleep 600');
  });

  it('keeps its jobs, tasks and framework across a daemon restart', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-aurora-restart-'));
    try {
      await daemon.stop();
      daemon = await startTestDaemon({}, { agent: true, plugins: ['aurora'], workDir });
      base = `${daemon.url}/service/aurora`;
      const svc = job('durable', task([proc('serve', 'sleep 600')]), { service: true });
      const key = keyOf(svc);
      await send('POST', `/jobs/${key}`, { job: svc });
      const before = await taskWhere(key, 'the task to run', (t) => t.status === 'RUNNING');
      await daemon.stop({ keepTasks: true });
      daemon = await startTestDaemon({}, { agent: true, plugins: ['aurora'], workDir });
      base = `${daemon.url}/service/aurora`;
      const jobs = (await (await send('GET', '/jobs')).json()) as Json;
      expect(jobs.jobs.map((j: Json) => j.key)).toEqual([key]);
      // The agent re-attaches to the task it ran, and the scheduler recognises it.
      const after = await taskWhere(
        key,
        'a running task after the restart',
        (t) => t.status === 'RUNNING',
      );
      expect(after.taskId).toBe(before.taskId);
      expect((await status(key)).activeTasks).toHaveLength(1);
      const inspect = (await (await send('GET', `/jobs/${key}/config`)).json()) as Json;
      expect(inspect.job.name).toBe('durable');
    } finally {
      await fetch(`${base}/jobs/devcluster/www-data/devel/durable`, { method: 'DELETE' });
      await daemon.agent?.agent.killAll();
      await daemon.stop();
      await rm(workDir, { recursive: true, force: true });
      daemon = await startTestDaemon({}, { agent: true, plugins: ['aurora'] });
      base = `${daemon.url}/service/aurora`;
    }
  });

  const quickUpdates = {
    batch_size: 1,
    watch_secs: 1,
    max_per_shard_failures: 0,
    max_total_failures: 0,
    rollback_on_failure: true,
    wait_for_batch_completion: false,
  };

  it('kills the instances asked for, keeps the others, and refuses unknown instances', async () => {
    const svc = job('trio', task([proc('serve', 'sleep 600')]), { service: true, instances: 3 });
    const key = keyOf(svc);
    await send('POST', `/jobs/${key}`, { job: svc });
    await waitFor('three running tasks', async () => {
      const s = await status(key);
      return s.activeTasks.filter((t: Json) => t.status === 'RUNNING').length === 3 ? s : undefined;
    });
    const unknown = await send('POST', `/jobs/${key}/kill`, { instances: [7] });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).code).toBe('MESOLITE_ERR_AURORA_UNKNOWN_INSTANCES');
    const killed = await send('POST', `/jobs/${key}/kill`, { instances: [1] });
    expect((await killed.json()).killed).toHaveLength(1);
    const after = await waitFor('instance 1 to be gone', async () => {
      const s = await status(key);
      return s.activeTasks.length === 2 ? s : undefined;
    });
    expect(after.activeTasks.map((t: Json) => t.instance)).toEqual([0, 2]);
    expect(after.job.instances).toEqual([0, 2]);
  });

  it('pauses, resumes and aborts an update, and refuses a second one with 409', async () => {
    const v1 = job('steered', task([proc('serve', 'sleep 600')]), {
      service: true,
      update_config: { ...quickUpdates, watch_secs: 60 },
    });
    const key = keyOf(v1);
    await send('POST', `/jobs/${key}`, { job: v1 });
    await taskWhere(key, 'version 1 to run', (t) => t.status === 'RUNNING');
    const v2 = { ...v1, task: task([proc('serve', 'sleep 601')]) };
    expect((await send('POST', `/jobs/${key}/update`, { job: v2 })).status).toBe(202);
    const paused = await send('POST', `/jobs/${key}/update/pause`);
    expect((await paused.json()).update.status).toBe('ROLL_FORWARD_PAUSED');
    const second = await send('POST', `/jobs/${key}/update`, { job: { ...v2, instances: 2 } });
    expect(second.status).toBe(409);
    expect((await second.json()).code).toBe('MESOLITE_ERR_AURORA_UPDATE_IN_PROGRESS');
    const pausedAgain = await send('POST', `/jobs/${key}/update/pause`);
    expect(pausedAgain.status).toBe(409);
    expect((await pausedAgain.json()).code).toBe('MESOLITE_ERR_AURORA_UPDATE_STATE');
    const resumed = await send('POST', `/jobs/${key}/update/resume`);
    expect((await resumed.json()).update.status).toBe('ROLLING_FORWARD');
    const aborted = await send('POST', `/jobs/${key}/update/abort`);
    expect((await aborted.json()).update.status).toBe('ABORTED');
    const info = (await (await send('GET', `/jobs/${key}/update`)).json()) as Json;
    expect(info.update.status).toBe('ABORTED');
    expect((await send('POST', `/jobs/${key}/update/resume`)).status).toBe(404);
  });

  it('restarts a job’s instances one after another with new tasks', async () => {
    const svc = job('restartable', task([proc('serve', 'sleep 600')]), {
      service: true,
      instances: 2,
      update_config: quickUpdates,
    });
    const key = keyOf(svc);
    await send('POST', `/jobs/${key}`, { job: svc });
    const before = await waitFor('two running tasks', async () => {
      const s = await status(key);
      const running = s.activeTasks.filter((t: Json) => t.status === 'RUNNING');
      return running.length === 2 ? running.map((t: Json) => t.taskId) : undefined;
    });
    expect((await send('POST', `/jobs/${key}/restart`)).status).toBe(202);
    await waitFor('the restart to finish', async () => {
      const info = (await (await send('GET', `/jobs/${key}/update`)).json()) as Json;
      return info.update.status === 'ROLLED_FORWARD' ? info : undefined;
    });
    const s = await status(key);
    expect(s.activeTasks).toHaveLength(2);
    for (const t of s.activeTasks) {
      expect(before).not.toContain(t.taskId);
      expect(t.generation).toBe(1);
    }
  });

  it('runs a Docker job’s processes in its image', async () => {
    const image = await busyboxImage(await dockerEngine());
    const boxed = job(
      'boxed',
      task([proc('hello', 'test -f /.dockerenv && echo in-a-container')]),
      {
        container: { docker: { image, parameters: [] } },
      },
    );
    const key = keyOf(boxed);
    expect((await send('POST', `/jobs/${key}`, { job: boxed })).status).toBe(201);
    const finished = await taskWhere(key, 'the task to finish', (t) => t.status === 'FINISHED');
    const details = await processes(finished.taskId);
    const hello = details.processes.find((p: Json) => p.name === 'hello');
    expect(await readLog(hello.runs[0].stdout)).toBe('in-a-container\n');
  });

  it('tells the UI on its socket.io namespace when a job changes', async () => {
    const socket = io(`${daemon.url}/plugins/aurora`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    try {
      const keys: string[] = [];
      socket.on('plugin_event', (event: Json) => keys.push(event.key));
      await new Promise((resolve, reject) => {
        socket.once('connect', () => resolve(undefined));
        socket.once('connect_error', reject);
      });
      const live = job('live', task([proc('p', 'sleep 30')]));
      await send('POST', `/jobs/${keyOf(live)}`, { job: live });
      await waitFor('an event about the job', async () =>
        keys.includes(keyOf(live)) ? true : undefined,
      );
    } finally {
      socket.disconnect();
    }
  });
});
