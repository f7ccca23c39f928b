/** The built-in repository on a real daemon: the Zombies Tracker installs and runs; the repository list survives a restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { waitFor } from '../../support/wait.js';
import { cosmos } from './cosmos-client.js';
import { serveUniverse } from './universe-server.js';

describe('the built-in repository on a daemon', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function daemonWith(options: {
    agent: boolean;
    workDir?: string;
    plugins?: string[];
  }): Promise<TestDaemon> {
    const daemon = await startTestDaemon(
      {},
      { agent: options.agent, plugins: options.plugins ?? ['marathon'], workDir: options.workDir },
    );
    cleanups.push(async () => {
      await daemon.agent?.agent.killAll();
      await daemon.stop();
    });
    return daemon;
  }

  it('installs the Zombies Tracker, whose instance becomes healthy', async () => {
    const daemon = await daemonWith({ agent: true });
    const answer = await cosmos(
      daemon.url,
      '/package/install',
      'install',
      {
        packageName: 'zombies-tracker',
        options: { service: { instances: 1, port: 0 } },
      },
      2,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.appId).toBe('/zombies-tracker');
    cleanups.push(() =>
      fetch(`${daemon.url}/service/marathon/v2/apps/zombies-tracker?force=true`, {
        method: 'DELETE',
      }),
    );
    const app = await waitFor(
      'the tracker healthy',
      async () => {
        const { app } = (await (
          await fetch(`${daemon.url}/service/marathon/v2/apps/zombies-tracker`)
        ).json()) as { app: Json };
        return app.tasksHealthy === 1 ? app : undefined;
      },
      90_000,
    );
    expect(app.labels.DCOS_PACKAGE_SOURCE).toMatch(/^file:\/\/.*\/catalog\/$/);
    const health = await fetch(`http://127.0.0.1:${app.tasks[0].ports[0]}/health`);
    expect(health.status).toBe(200);
  }, 120_000);

  it('keeps added repositories across a restart of the daemon', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-catalog-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const universe = await serveUniverse([]);
    cleanups.push(() => universe.close());
    const first = await daemonWith({ agent: false, workDir });
    await cosmos(first.url, '/package/repository/add', 'repository.add', {
      name: 'mine',
      uri: universe.url,
      index: 0,
    });
    await first.stop();
    const second = await daemonWith({ agent: false, workDir });
    const list = await cosmos(second.url, '/package/repository/list', 'repository.list', {});
    expect(list.body.repositories.map((repo: Json) => repo.name)).toEqual(['mine', 'Built-in']);
  });

  it('deletes a repository by name and answers RepositoryNotPresent for one it does not have', async () => {
    const daemon = await daemonWith({ agent: false });
    const deleted = await cosmos(daemon.url, '/package/repository/delete', 'repository.delete', {
      name: 'Built-in',
    });
    expect(deleted.body).toEqual({ repositories: [] });
    const again = await cosmos(daemon.url, '/package/repository/delete', 'repository.delete', {
      name: 'Built-in',
    });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      type: 'RepositoryNotPresent',
      message: 'Repository name [Built-in] is not present in the list',
      data: { name: 'Built-in' },
    });
  });

  it('answers 415 to a request with another kind of DC/OS media type', async () => {
    const daemon = await daemonWith({ agent: false });
    const response = await fetch(`${daemon.url}/package/search`, {
      method: 'POST',
      headers: {
        'content-type':
          'application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1',
      },
      body: '{}',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as Json).type).toBe('UnsupportedContentType');
  });

  it('answers ServiceUnavailable, naming the plugin, when Marathon is not running', async () => {
    const daemon = await daemonWith({ agent: false, plugins: [] });
    const answer = await cosmos(daemon.url, '/package/install', 'install', {
      packageName: 'simple-docker',
    });
    expect(answer.status).toBe(503);
    expect(answer.body.type).toBe('ServiceUnavailable');
    expect(answer.body.data.cause).toContain('mesolite plugin enable marathon');
  });
});
