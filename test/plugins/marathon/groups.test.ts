import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';

describe('Marathon groups', () => {
  let daemon: TestDaemon;
  let base: string;
  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    base = `${daemon.url}/service/marathon`;
  });
  afterEach(async () => {
    await fetch(`${base}/v2/groups/shop?force=true`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  const app = (id: string, dependencies: string[] = []) => ({
    id,
    cmd: 'sleep 1000',
    cpus: 0.1,
    mem: 32,
    instances: 1,
    dependencies,
  });

  it('deploys a group in dependency order: what others depend on comes first', async () => {
    const response = await fetch(`${base}/v2/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '/shop',
        groups: [
          { id: 'db', apps: [app('postgres')] },
          {
            id: 'web',
            dependencies: ['/shop/db'],
            apps: [app('frontend', ['/shop/web/api']), app('api')],
          },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const { deploymentId } = (await response.json()) as { deploymentId: string };
    const [deployment] = (await (await fetch(`${base}/v2/deployments`)).json()) as Json[];
    expect(deployment.id).toBe(deploymentId);
    const order = deployment.steps
      .map((step: Json) =>
        step.actions.filter((a: Json) => a.action === 'ScaleApplication').map((a: Json) => a.app),
      )
      .filter((apps: string[]) => apps.length > 0);
    const stepOf = (id: string) => order.findIndex((apps: string[]) => apps.includes(id));
    expect(stepOf('/shop/db/postgres')).toBeLessThan(stepOf('/shop/web/api'));
    expect(stepOf('/shop/web/api')).toBeLessThan(stepOf('/shop/web/frontend'));
  });

  it('shows the tree in GET /v2/groups with each group’s apps and dependencies', async () => {
    await fetch(`${base}/v2/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/shop', groups: [{ id: 'db', apps: [app('postgres')] }] }),
    });
    const root = (await (await fetch(`${base}/v2/groups`)).json()) as Json;
    expect(root.id).toBe('/');
    const shop = root.groups.find((group: Json) => group.id === '/shop');
    const db = shop.groups.find((group: Json) => group.id === '/shop/db');
    expect(db.apps.map((entry: Json) => entry.id)).toEqual(['/shop/db/postgres']);
    const direct = (await (await fetch(`${base}/v2/groups/shop/db`)).json()) as Json;
    expect(direct.id).toBe('/shop/db');
  });

  it('refuses a dependency cycle with 422 and deploys nothing', async () => {
    const response = await fetch(`${base}/v2/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/shop', apps: [app('a', ['/shop/b']), app('b', ['/shop/a'])] }),
    });
    expect(response.status).toBe(422);
    const { apps } = (await (await fetch(`${base}/v2/apps`)).json()) as { apps: Json[] };
    expect(apps).toEqual([]);
  });

  it('removes every app of a group with DELETE /v2/groups/{id}', async () => {
    await fetch(`${base}/v2/groups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/shop', apps: [app('one'), app('two')] }),
    });
    const response = await fetch(`${base}/v2/groups/shop?force=true`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    const { apps } = (await (await fetch(`${base}/v2/apps`)).json()) as { apps: Json[] };
    expect(apps).toEqual([]);
  });
});
