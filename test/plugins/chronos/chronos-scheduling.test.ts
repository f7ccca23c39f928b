import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { busyboxImage, dockerEngine } from '../../support/real-services.js';
import { waitFor } from '../../support/wait.js';
import { ChronosClient, type Json, startIn } from './support/chronos-client.js';

/**
 * Chronos's scheduling semantics against a real daemon: jobs run as real tasks on the
 * agent (processes, or Docker containers), retries wait Chronos's --failure_retry
 * (one second here), and an async job's run waits for its callback (two seconds here).
 */
describe('Chronos scheduling', () => {
  let daemon: TestDaemon;
  let chronos: ChronosClient;
  const servers: Server[] = [];

  beforeEach(async () => {
    daemon = await startTestDaemon(
      { pluginConfig: { chronos: { failureRetrySeconds: 1, asyncTimeoutSeconds: 2 } } },
      { agent: true, plugins: ['chronos'] },
    );
    chronos = new ChronosClient(`${daemon.url}/service/chronos`);
  });
  afterEach(async () => {
    await chronos.deleteAll();
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    for (const server of servers.splice(0)) server.close();
  });

  const tiny = { cpus: 0.05, mem: 16, disk: 0 };

  it('runs a three-level dependency chain in order, each job after its parent succeeded', async () => {
    await chronos.add({
      ...tiny,
      name: 'extract',
      command: 'sleep 0.2',
      schedule: `R1/${startIn(300)}/PT1H`,
    });
    await chronos.add({ ...tiny, name: 'transform', command: 'sleep 0.2', parents: ['extract'] });
    await chronos.add({ ...tiny, name: 'load', command: 'true', parents: ['transform'] });
    await chronos.until('load', 'one success', (job) => job.successCount === 1);
    const [extract, transform, load] = await Promise.all(
      ['extract', 'transform', 'load'].map(async (name) => (await chronos.history(name)).runs[0]),
    );
    expect(Date.parse(transform.dueAt)).toBeGreaterThanOrEqual(Date.parse(extract.endedAt));
    expect(Date.parse(load.dueAt)).toBeGreaterThanOrEqual(Date.parse(transform.endedAt));
    expect([extract, transform, load].map((run) => run.reason)).toEqual([
      'schedule',
      'dependency',
      'dependency',
    ]);
  });

  it('does not run a child whose parent failed', async () => {
    await chronos.add({
      ...tiny,
      name: 'parent',
      command: 'false',
      retries: 0,
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    await chronos.add({ ...tiny, name: 'child', command: 'true', parents: ['parent'] });
    await chronos.until('parent', 'failed', (job) => job.errorCount === 1);
    // A run made after the failure shows the scheduler has moved past it.
    await chronos.add({
      ...tiny,
      name: 'later',
      command: 'true',
      schedule: `R1/${startIn(0)}/PT1H`,
    });
    await chronos.until('later', 'one success', (job) => job.successCount === 1);
    expect((await chronos.history('child')).runs).toEqual([]);
  });

  it('completes an async job through its callback, with its task id from mesos_task_id', async () => {
    const callback =
      'curl -sf -X PUT -H "Content-Type: application/json" -d "{\\"statusCode\\":0}" ' +
      '"$MESOLITE_CHRONOS_CALLBACK_URL"';
    await chronos.add({
      ...tiny,
      name: 'async-ok',
      async: true,
      command: callback,
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    const job = await chronos.until('async-ok', 'one success', (job) => job.successCount === 1);
    expect(job.errorCount).toBe(0);
    const [run] = (await chronos.history('async-ok')).runs;
    expect(run.taskId).toMatch(/^ct:\d+:0:async-ok:$/);
  });

  it('lets an async task call back by the task id Chronos gives it', async () => {
    const base = `${daemon.url}/service/chronos`;
    const callback = `curl -sf -X PUT -H "Content-Type: application/json" -d "{\\"statusCode\\":0}" "${base}/scheduler/task/$mesos_task_id"`;
    await chronos.add({
      ...tiny,
      name: 'async-id',
      async: true,
      command: callback,
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    await chronos.until('async-id', 'one success', (job) => job.successCount === 1);
  });

  it('fails an async job whose task ends without calling back, once the timeout passes', async () => {
    await chronos.add({
      ...tiny,
      name: 'async-silent',
      async: true,
      retries: 0,
      command: 'true',
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    const job = await chronos.until('async-silent', 'one error', (job) => job.errorCount === 1);
    expect(job.successCount).toBe(0);
    const [run] = (await chronos.history('async-silent')).runs;
    expect(run.message).toMatch(/did not call back/);
  });

  it('retries a failed run after the failure_retry delay, with the attempt in its environment', async () => {
    await chronos.add({
      ...tiny,
      name: 'flaky',
      retries: 2,
      command: 'test "$CHRONOS_JOB_RUN_ATTEMPT" = 1',
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    const job = await chronos.until('flaky', 'one success', (job) => job.successCount === 1);
    expect(job.errorCount).toBe(0);
    const { runs } = await chronos.history('flaky');
    expect(runs.map((run: Json) => [run.attempt, run.status])).toEqual([
      [0, 'failure'],
      [1, 'success'],
    ]);
    expect(runs[1].taskId).toBe(runs[0].taskId.replace(/^ct:(\d+):0:/, 'ct:$1:1:'));
  });

  it('counts one error after the last retry fails, and POSTs the failure to the job’s webhook', async () => {
    const notices: Json[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      request.on('end', () => {
        notices.push(JSON.parse(body));
        response.end();
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await chronos.add({
      ...tiny,
      name: 'broken',
      retries: 1,
      command: 'exit 3',
      schedule: `R1/${startIn(200)}/PT1H`,
      mesolite: { failureWebhook: `http://127.0.0.1:${port}/hook` },
    });
    const job = await chronos.until('broken', 'one error', (job) => job.errorCount === 1);
    expect(job.lastError).toMatch(/^\d{4}-/);
    const { runs } = await chronos.history('broken');
    expect(runs.map((run: Json) => [run.attempt, run.exitStatus])).toEqual([
      [0, 3],
      [1, 3],
    ]);
    await chronos.until('broken', 'the webhook notified', () => notices.length === 1);
    expect(notices[0]).toMatchObject({ job: 'broken', attempt: 1, exitStatus: 3 });
  });

  it('runs R3 three times, then lists the job as disabled', async () => {
    await chronos.add({
      ...tiny,
      name: 'thrice',
      command: 'true',
      schedule: `R3/${startIn(200)}/PT0.5S`,
    });
    const job = await chronos.until('thrice', 'disabled', (job) => job.disabled === true);
    await chronos.until('thrice', 'three successes', (job) => job.successCount === 3);
    expect(job.schedule).toMatch(/^R0\//);
    expect((await chronos.history('thrice')).runs).toHaveLength(3);
  });

  it('never runs a disabled job', async () => {
    await chronos.add({
      ...tiny,
      name: 'off',
      command: 'true',
      disabled: true,
      schedule: `R1/${startIn(0)}/PT1H`,
    });
    await chronos.add({
      ...tiny,
      name: 'on',
      command: 'true',
      schedule: `R1/${startIn(300)}/PT1H`,
    });
    await chronos.until('on', 'one success', (job) => job.successCount === 1);
    expect((await chronos.history('off')).runs).toEqual([]);
  });

  it('runs a Docker job in busybox', async () => {
    const image = await busyboxImage(await dockerEngine());
    await chronos.add({
      ...tiny,
      mem: 32,
      name: 'in-docker',
      command: 'test -x /bin/busybox && test "$CHRONOS_JOB_NAME" = in-docker',
      container: { type: 'DOCKER', image, network: 'HOST' },
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    const job = await chronos.until(
      'in-docker',
      'one success',
      (job) => job.successCount + job.errorCount === 1,
      90_000,
    );
    const { runs } = await chronos.history('in-docker');
    expect(job.successCount, JSON.stringify(runs)).toBe(1);
  }, 120_000);

  it('kills a job’s running task on DELETE /scheduler/task/kill/NAME', async () => {
    await chronos.add({
      ...tiny,
      name: 'long',
      command: 'sleep 60',
      schedule: `R1/${startIn(0)}/PT1H`,
    });
    await waitFor('the task running', async () => {
      const { running } = await chronos.history('long');
      return running[0]?.phase === 'running' ? true : undefined;
    });
    expect((await chronos.send('DELETE', '/scheduler/task/kill/long')).status).toBe(204);
    await waitFor('the run killed', async () => {
      const { runs } = await chronos.history('long');
      return runs[0]?.status === 'killed' ? true : undefined;
    });
    expect((await chronos.job('long')).errorCount).toBe(0);
  });
});
