import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { ChronosClient, type Json, startIn } from './support/chronos-client.js';

/**
 * Chronos's REST API through /service/chronos/ against a real daemon (master, agent and
 * the Chronos plugin), with jobs running as real tasks.
 */
describe('the Chronos API', () => {
  let daemon: TestDaemon;
  let chronos: ChronosClient;

  beforeEach(async () => {
    daemon = await startTestDaemon(
      { pluginConfig: { chronos: { failureRetrySeconds: 1 } } },
      { agent: true, plugins: ['chronos'] },
    );
    chronos = new ChronosClient(`${daemon.url}/service/chronos`);
  });
  afterEach(async () => {
    await chronos.deleteAll();
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  it('runs a scheduled job as a real task and counts its successes', async () => {
    await chronos.add({
      name: 'tick',
      command: 'echo tick',
      schedule: `R2/${startIn(500)}/PT1S`,
      cpus: 0.1,
      mem: 32,
    });
    const job = await chronos.until('tick', 'two successes', (job) => job.successCount === 2);
    expect(job.errorCount).toBe(0);
    expect(job.lastSuccess).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(job.disabled).toBe(true);
    expect(job.schedule).toMatch(/^R0\//);
    const { runs } = await chronos.history('tick');
    expect(runs.map((run: Json) => [run.status, run.exitStatus])).toEqual([
      ['success', 0],
      ['success', 0],
    ]);
    expect(runs[0].taskId).toMatch(/^ct:\d+:0:tick:$/);
    expect(runs[0].logs).toMatch(/\/executors\/ct:\d+:0:tick:\/runs\/latest$/);
  });

  it('lists jobs with Chronos’s fields and nothing else', async () => {
    await chronos.add({
      name: 'listed',
      command: 'true',
      schedule: 'R/2030-01-01T00:00:00Z/P1D',
      mesolite: { failureWebhook: 'http://127.0.0.1:1/' },
    });
    const job = await chronos.job('listed');
    expect(Object.keys(job).sort()).toEqual(
      [
        'name',
        'command',
        'shell',
        'epsilon',
        'executor',
        'executorFlags',
        'taskInfoData',
        'retries',
        'owner',
        'ownerName',
        'description',
        'async',
        'successCount',
        'errorCount',
        'lastSuccess',
        'lastError',
        'cpus',
        'disk',
        'mem',
        'disabled',
        'softError',
        'dataProcessingJobType',
        'errorsSinceLastSuccess',
        'fetch',
        'uris',
        'environmentVariables',
        'arguments',
        'highPriority',
        'runAsUser',
        'concurrent',
        'constraints',
        'schedule',
        'scheduleTimeZone',
      ].sort(),
    );
    expect(job.schedule).toBe('R/2030-01-01T00:00:00.000Z/P1D');
  });

  it('answers 400 to an invalid job and stores nothing', async () => {
    const cases: [string, Json, RegExp][] = [
      ['/scheduler/iso8601', { name: 'x', schedule: 'R//PT1S' }, /no command/],
      [
        '/scheduler/iso8601',
        { name: 'x', command: 'true', schedule: 'R/not-a-date/PT1S' },
        /schedule/,
      ],
      ['/scheduler/dependency', { name: 'x', command: 'true', parents: ['missing'] }, /"missing"/],
      [
        '/scheduler/iso8601',
        { name: 'x', command: 'true', schedule: 'R//PT1S', cpus: 'lots' },
        /cpus/,
      ],
    ];
    for (const [path, body, message] of cases) {
      const response = await chronos.send('POST', path, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Json).message).toMatch(message);
    }
    await chronos.add({ name: 'a', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    await chronos.add({ name: 'b', command: 'true', parents: ['a'] });
    const cycle = await chronos.send('PUT', '/scheduler/dependency', {
      name: 'a',
      command: 'true',
      parents: ['b'],
    });
    expect(cycle.status).toBe(400);
    expect(((await cycle.json()) as Json).message).toMatch(/cycle/);
    expect((await chronos.jobs()).map((job) => job.name)).toEqual(['a', 'b']);
    expect((await chronos.job('a')).schedule).toMatch(/^R\//);
  });

  it('answers 400 for an unknown job name, as Chronos does', async () => {
    expect((await chronos.send('PUT', '/scheduler/job/nope')).status).toBe(400);
    expect((await chronos.send('DELETE', '/scheduler/job/nope')).status).toBe(400);
    expect((await chronos.send('DELETE', '/scheduler/task/kill/nope')).status).toBe(400);
  });

  it('runs a job now on PUT /scheduler/job/NAME, with a bodyless JSON request', async () => {
    await chronos.add({ name: 'manual', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    const response = await fetch(`${chronos.base}/scheduler/job/manual`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(204);
    await chronos.until('manual', 'one success', (job) => job.successCount === 1);
  });

  it('refuses to delete a job other jobs depend on', async () => {
    await chronos.add({ name: 'a', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    await chronos.add({ name: 'b', command: 'true', parents: ['a'] });
    const response = await chronos.send('DELETE', '/scheduler/job/a');
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).message).toMatch(/"b"/);
    expect((await chronos.send('DELETE', '/scheduler/job/b')).status).toBe(204);
    expect((await chronos.send('DELETE', '/scheduler/job/a')).status).toBe(204);
    expect(await chronos.jobs()).toEqual([]);
  });

  it('answers 400 to a callback for a task no run waits for', async () => {
    const response = await chronos.send('PUT', '/scheduler/task/ct:1:0:ghost:', { statusCode: 0 });
    expect(response.status).toBe(400);
  });

  it('keeps a job’s counters when it is updated with PUT', async () => {
    await chronos.add({ name: 'kept', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    await chronos.send('PUT', '/scheduler/job/kept');
    await chronos.until('kept', 'one success', (job) => job.successCount === 1);
    const response = await chronos.send('PUT', '/scheduler/iso8601', {
      name: 'kept',
      command: 'echo changed',
      schedule: 'R/2031-01-01T00:00:00Z/P1D',
    });
    expect(response.status).toBe(204);
    const job = await chronos.job('kept');
    expect([job.command, job.successCount, job.schedule]).toEqual([
      'echo changed',
      1,
      'R/2031-01-01T00:00:00.000Z/P1D',
    ]);
  });

  it('serves the API under /v1 too, and searches by name with a default limit', async () => {
    for (let index = 0; index < 12; index++) {
      await chronos.add({
        name: `batch-${index}`,
        command: 'true',
        schedule: 'R/2030-01-01T00:00:00Z/P1D',
      });
    }
    await chronos.add({ name: 'other', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    const search = await (await chronos.send('GET', '/v1/scheduler/jobs/search?name=batch')).json();
    expect(search).toHaveLength(10);
    const page = await (
      await chronos.send('GET', '/scheduler/jobs/search?any=batch&limit=5&offset=10')
    ).json();
    expect(page).toHaveLength(2);
  });

  it('draws the dependency graph as dot and csv', async () => {
    await chronos.add({ name: 'a', command: 'true', schedule: 'R/2030-01-01T00:00:00Z/P1D' });
    await chronos.add({ name: 'b', command: 'true', parents: ['a'] });
    expect(await (await chronos.send('GET', '/scheduler/graph/dot')).text()).toBe(
      'digraph G {\n  1 [ label="a" ];\n  2 [ label="b" ];\n  1 -> 2;\n}\n',
    );
    expect(await (await chronos.send('GET', '/scheduler/graph/csv')).text()).toBe(
      'node,a,fresh,idle\nnode,b,fresh,idle\nlink,a,b\n',
    );
  });

  it('reports a job’s run statistics', async () => {
    await chronos.add({ name: 'stat', command: 'true', schedule: `R1/${startIn(200)}/PT1S` });
    await chronos.until('stat', 'one success', (job) => job.successCount === 1);
    const stat = (await (await chronos.send('GET', '/scheduler/job/stat/stat')).json()) as Json;
    expect(stat.histogram.count).toBe(1);
    expect(stat.taskStatHistory[0]).toMatchObject({ jobName: 'stat', status: 'FINISHED' });
  });
});

describe('the Chronos API on its classic port', () => {
  it('is served on 4400 too when classic ports are on', async () => {
    const daemon = await startTestDaemon({}, { plugins: ['chronos'], classicPorts: true });
    try {
      const response = await fetch('http://127.0.0.1:4400/scheduler/jobs');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([]);
    } finally {
      await daemon.stop();
    }
  });
});
