import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { waitFor } from '../../support/wait.js';

/**
 * Marathon's v2 API through /service/marathon/, against the real daemon: master,
 * agent and the Marathon plugin, with tasks running as real processes.
 */
describe('the Marathon plugin', () => {
  let daemon: TestDaemon;
  let base: string;

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    base = `${daemon.url}/service/marathon`;
  });
  afterEach(async () => {
    await fetch(`${base}/v2/apps`).then(async (response) => {
      const { apps } = (await response.json()) as { apps: Json[] };
      for (const app of apps)
        await fetch(`${base}/v2/apps${app.id}?force=true`, { method: 'DELETE' });
    });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  const post = (path: string, body: Json, method = 'POST') =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function appState(id: string): Promise<Json> {
    const response = await fetch(`${base}/v2/apps${id}`);
    return ((await response.json()) as { app: Json }).app;
  }

  /** Waits until the app runs `count` instances and no deployment is changing it. */
  const running = (id: string, count: number) =>
    waitFor(`${count} running instances of ${id}`, async () => {
      const app = await appState(id);
      const settled = app.deployments.length === 0;
      return settled && app.tasksRunning === count && app.tasks.length === count ? app : undefined;
    });

  it('answers /v2/info, /ping and /v2/leader as Marathon does', async () => {
    const info = (await (await fetch(`${base}/v2/info`)).json()) as Json;
    expect(info.name).toBe('marathon');
    expect(info.frameworkId).toMatch(/-0000$/);
    expect(await (await fetch(`${base}/ping`)).text()).toBe('pong');
    expect(((await (await fetch(`${base}/v2/leader`)).json()) as Json).leader).toEqual(
      expect.any(String),
    );
  });

  it('creates an app with 201, Location and Marathon-Deployment-Id, and runs its instances', async () => {
    const response = await post('/v2/apps', {
      id: 'sleepy',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 32,
      instances: 2,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/service/marathon/v2/apps/sleepy');
    expect(response.headers.get('marathon-deployment-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as Json;
    expect(body.id).toBe('/sleepy');
    expect(body.instances).toBe(2);
    const app = await running('/sleepy', 2);
    expect(app.tasks[0].host).toEqual(expect.any(String));
    expect(app.tasks[0].id).toMatch(/^sleepy\.instance-[0-9a-f-]+\._app\.1$/);
  });

  it('refuses an invalid app with 422 and Marathon’s error body, storing nothing', async () => {
    const response = await post('/v2/apps', { id: 'bad', cmd: 'true', cpus: -1, mem: 32 });
    expect(response.status).toBe(422);
    const body = (await response.json()) as Json;
    expect(body.message).toEqual(expect.any(String));
    expect(body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/cpus' })]),
    );
    const list = (await (await fetch(`${base}/v2/apps`)).json()) as { apps: Json[] };
    expect(list.apps).toEqual([]);
  });

  it('refuses a second app with the same id with 409', async () => {
    await post('/v2/apps', { id: 'twin', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 0 });
    const again = await post('/v2/apps', { id: 'twin', cmd: 'sleep 1000', cpus: 0.1, mem: 32 });
    expect(again.status).toBe(409);
  });

  it('keeps an app alive: a killed instance is replaced', async () => {
    await post('/v2/apps', { id: 'phoenix', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 });
    const first = await running('/phoenix', 1);
    const taskId = first.tasks[0].id;
    const killed = await fetch(`${base}/v2/apps/phoenix/tasks/${taskId}`, { method: 'DELETE' });
    expect(killed.status).toBe(200);
    const replaced = await waitFor('a replacement', async () => {
      const app = await appState('/phoenix');
      return app.tasksRunning === 1 && app.tasks[0].id !== taskId ? app : undefined;
    });
    expect(replaced.tasks).toHaveLength(1);
  });

  it('scales an app up and down with PUT, answering version and deploymentId', async () => {
    await post('/v2/apps', { id: 'elastic', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 });
    const before = await running('/elastic', 1);
    const scaled = await post('/v2/apps/elastic', { instances: 3 }, 'PUT');
    expect(scaled.status).toBe(200);
    const body = (await scaled.json()) as Json;
    expect(body).toEqual({ version: expect.any(String), deploymentId: expect.any(String) });
    const [deployment] = (await (await fetch(`${base}/v2/deployments`)).json()) as Json[];
    if (deployment) expect(deployment.steps[0].actions[0].action).toBe('ScaleApplication');
    const after = await running('/elastic', 3);
    // Scaling is not a restart: the instance that ran before still runs.
    expect(after.tasks.map((task: Json) => task.id)).toContain(before.tasks[0].id);
    expect(after.version).toBe(body.version);
    await post('/v2/apps/elastic', { instances: 1 }, 'PUT');
    await running('/elastic', 1);
  });

  it('lists deployments while they run and none once they are done', async () => {
    await post('/v2/apps', { id: 'deployed', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 });
    await running('/deployed', 1);
    await waitFor('no deployments', async () => {
      const deployments = (await (await fetch(`${base}/v2/deployments`)).json()) as Json[];
      return deployments.length === 0 ? deployments : undefined;
    });
  });

  it('replaces the whole definition on PUT with partialUpdate=false', async () => {
    await post('/v2/apps', {
      id: 'replaced',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 32,
      instances: 0,
      env: { KEEP: 'me?' },
      labels: { team: 'a' },
    });
    const partial = await post('/v2/apps/replaced', { cmd: 'sleep 2000' }, 'PUT');
    expect(partial.status).toBe(200);
    expect((await appState('/replaced')).env).toEqual({ KEEP: 'me?' });
    const full = await post(
      '/v2/apps/replaced?partialUpdate=false',
      { cmd: 'sleep 3000', cpus: 0.1, mem: 32, instances: 0 },
      'PUT',
    );
    expect(full.status).toBe(200);
    const app = await appState('/replaced');
    expect(app.cmd).toBe('sleep 3000');
    expect(app.env ?? {}).toEqual({});
    expect(app.labels ?? {}).toEqual({});
  });

  it('keeps every version of an app', async () => {
    await post('/v2/apps', {
      id: 'versioned',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 32,
      instances: 0,
    });
    await post('/v2/apps/versioned', { cmd: 'sleep 2000' }, 'PUT');
    const { versions } = (await (await fetch(`${base}/v2/apps/versioned/versions`)).json()) as {
      versions: string[];
    };
    expect(versions).toHaveLength(2);
    const oldest = (await (
      await fetch(`${base}/v2/apps/versioned/versions/${versions[1]}`)
    ).json()) as Json;
    expect(oldest.cmd).toBe('sleep 1000');
  });

  it('destroys an app and its instances', async () => {
    await post('/v2/apps', { id: 'doomed', cmd: 'sleep 1000', cpus: 0.1, mem: 32, instances: 1 });
    await running('/doomed', 1);
    const response = await fetch(`${base}/v2/apps/doomed`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect((await fetch(`${base}/v2/apps/doomed`)).status).toBe(404);
    await waitFor('its tasks gone', async () => {
      const tasks = (await (await fetch(`${base}/v2/tasks`)).json()) as { tasks: Json[] };
      return tasks.tasks.length === 0 ? true : undefined;
    });
  });

  it('assigns a service port from 10000-20000 and balances it across the healthy instances', async () => {
    await post('/v2/apps', {
      id: 'web',
      cmd: 'exec python3 -m http.server $PORT0 --bind 127.0.0.1',
      cpus: 0.1,
      mem: 64,
      instances: 2,
    });
    const app = await running('/web', 2);
    const servicePort = app.portDefinitions[0].port;
    expect(servicePort).toBeGreaterThanOrEqual(10000);
    expect(servicePort).toBeLessThanOrEqual(20000);
    expect(app.tasks[0].servicePorts).toEqual([servicePort]);
    const status = await waitFor('the service port answering', async () => {
      const response = await fetch(`http://127.0.0.1:${servicePort}/`);
      return response.ok ? response.status : undefined;
    });
    expect(status).toBe(200);
  });

  it('answers 404 with Marathon’s message for an unknown app', async () => {
    const response = await fetch(`${base}/v2/apps/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as Json).message).toBe("App '/nope' does not exist");
  });

  it('streams Marathon events over /v2/events', async () => {
    const events: string[] = [];
    const stream = request(`${base}/v2/events`, { headers: { accept: 'text/event-stream' } });
    stream.on('response', (response) => {
      response.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/^event: (\S+)/gm))
          if (match[1]) events.push(match[1]);
      });
    });
    stream.end();
    try {
      await waitFor('attach', async () =>
        events.includes('event_stream_attached') ? true : undefined,
      );
      await post('/v2/apps', {
        id: 'watched',
        cmd: 'sleep 1000',
        cpus: 0.1,
        mem: 32,
        instances: 1,
      });
      await waitFor('status updates', async () =>
        events.includes('status_update_event') && events.includes('deployment_success')
          ? true
          : undefined,
      );
      expect(events).toContain('api_post_event');
      expect(events).toContain('deployment_info');
    } finally {
      stream.destroy();
    }
  });
});
