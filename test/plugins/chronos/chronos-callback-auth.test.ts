/**
 * Chronos's async callback on a daemon with auth and HTTPS on: the task gets a token
 * good for its own callback only (MESOLITE_CALLBACK_TOKEN) and the cluster's CA in its
 * sandbox (MESOLITE_CA_CERT), calls back with curl, and the run is recorded a success.
 * The same token anywhere else is refused.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type SecureDaemon, startSecureDaemon } from '../../daemon/auth/secure-daemon.js';
import { ChronosClient, startIn } from './support/chronos-client.js';

describe('Chronos async callbacks with auth on', () => {
  let daemon: SecureDaemon;
  let chronos: ChronosClient;
  let seen: string;
  beforeAll(async () => {
    seen = await mkdtemp(join(tmpdir(), 'mesolite-callback-'));
    daemon = await startSecureDaemon({ agent: true, plugins: ['chronos'] });
    chronos = new ChronosClient(
      `${daemon.url}/service/chronos`,
      daemon.fetch(await daemon.login(ADMIN)),
    );
  });
  afterAll(async () => {
    await chronos?.deleteAll();
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    await rm(seen, { recursive: true, force: true });
  });

  const tiny = { cpus: 0.05, mem: 16, disk: 0 };
  const keep = (variable: string) => `printf %s "$${variable}" > ${seen}/${variable}`;
  const seenValue = (variable: string) => readFile(join(seen, variable), 'utf8');

  it('lets an async task call back with its own token, and refuses that token anywhere else', async () => {
    const callback =
      'curl -sf --cacert "$MESOLITE_CA_CERT" -X PUT ' +
      '-H "Authorization: token=$MESOLITE_CALLBACK_TOKEN" -H "Content-Type: application/json" ' +
      `-d '{"statusCode":0}' "$MESOLITE_CHRONOS_CALLBACK_URL"`;
    await chronos.add({
      ...tiny,
      name: 'secured-async',
      async: true,
      command: [
        keep('MESOLITE_CALLBACK_TOKEN'),
        keep('MESOLITE_CHRONOS_CALLBACK_URL'),
        keep('MESOLITE_CA_CERT'),
        keep('mesos_task_id'),
        callback,
      ].join(' && '),
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    const job = await chronos.until(
      'secured-async',
      'one success',
      (job) => job.successCount === 1 || job.errorCount > 0,
    );
    expect(job).toMatchObject({ successCount: 1, errorCount: 0 });

    const token = await seenValue('MESOLITE_CALLBACK_TOKEN');
    const url = await seenValue('MESOLITE_CHRONOS_CALLBACK_URL');
    const taskId = await seenValue('mesos_task_id');
    expect(url).toBe(`${daemon.url}/service/chronos/scheduler/task/${encodeURIComponent(taskId)}`);
    expect(await seenValue('MESOLITE_CA_CERT')).toMatch(/\/\.ssl\/ca-bundle\.crt$/);

    const withToken = daemon.fetch(token);
    const json = { 'content-type': 'application/json' };
    const refusals = [
      ['GET', '/service/chronos/scheduler/jobs'],
      ['DELETE', '/service/chronos/scheduler/job/secured-async'],
      ['PUT', `/service/chronos/scheduler/task/${encodeURIComponent(`${taskId}x`)}`],
      ['GET', `/service/chronos/scheduler/task/${encodeURIComponent(taskId)}`],
      ['GET', '/master/state'],
      ['POST', '/service/marathon/v2/apps'],
    ] as const;
    for (const [method, path] of refusals) {
      const response = await withToken(`${daemon.url}${path}`, {
        method,
        headers: json,
        body: method === 'PUT' || method === 'POST' ? '{"statusCode":0}' : null,
      });
      expect(response.status, `${method} ${path}: ${await response.text()}`).toBe(403);
    }
    // On its own path the token still passes the login check; Chronos itself answers.
    const again = await withToken(url, { method: 'PUT', headers: json, body: '{"statusCode":0}' });
    expect([401, 403]).not.toContain(again.status);
    expect((await chronos.job('secured-async')).successCount).toBe(1);
  });

  it('gives a job that is not async no token', async () => {
    await chronos.add({
      ...tiny,
      name: 'secured-sync',
      command: `${keep('MESOLITE_CALLBACK_TOKEN')} && ${keep('MESOLITE_CA_CERT')}`,
      schedule: `R1/${startIn(200)}/PT1H`,
    });
    await chronos.until('secured-sync', 'one success', (job) => job.successCount === 1);
    expect(await seenValue('MESOLITE_CALLBACK_TOKEN')).toBe('');
    expect(await readFile(await seenValue('MESOLITE_CA_CERT'), 'utf8')).toBe(daemon.ca);
  });
});
