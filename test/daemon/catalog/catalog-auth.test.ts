/**
 * The catalog on a daemon with auth and HTTPS on: it reaches Marathon and the master
 * in process, as the user whose request it serves, so an admin's install creates the
 * app and a viewer's is refused before anything is made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { ADMIN, type SecureDaemon, startSecureDaemon, VIEWER } from '../auth/secure-daemon.js';

describe('the catalog with auth on', () => {
  let daemon: SecureDaemon;
  let admin: string;
  let viewer: string;
  beforeAll(async () => {
    daemon = await startSecureDaemon({ plugins: ['marathon'] });
    admin = await daemon.login(ADMIN);
    viewer = await daemon.login(VIEWER);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  async function cosmos(token: string | undefined, kind: string, body: unknown) {
    const response = await daemon.fetch(token)(`${daemon.url}/package/${kind}`, {
      method: 'POST',
      headers: {
        'content-type': `application/vnd.dcos.package.${kind}-request+json;charset=utf-8;version=v1`,
        accept: `application/vnd.dcos.package.${kind}-response+json;charset=utf-8;version=v1`,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function appIds(): Promise<string[]> {
    const response = await daemon.fetch(admin)(`${daemon.url}/service/marathon/v2/apps`);
    expect(response.status).toBe(200);
    return ((await response.json()) as Json).apps.map((app: Json) => app.id);
  }

  const install = {
    packageName: 'simple-docker',
    options: { service: { name: 'secured-docker', instances: 1 } },
  };

  it("refuses a viewer's install with 403, and one without a login with 401, creating nothing", async () => {
    const refused = await cosmos(viewer, 'install', install);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ERR_FORBIDDEN');
    expect((await cosmos(undefined, 'install', install)).status).toBe(401);
    expect(await appIds()).not.toContain('/secured-docker');
  });

  it("installs an admin's package into Marathon, lists it and uninstalls it", async () => {
    const installed = await cosmos(admin, 'install', install);
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    expect(installed.body).toMatchObject({
      packageName: 'simple-docker',
      appId: '/secured-docker',
    });
    expect(await appIds()).toContain('/secured-docker');

    const listed = await cosmos(admin, 'list', { packageName: 'simple-docker' });
    expect(listed.status).toBe(200);
    expect(listed.body.packages.map((entry: Json) => entry.appId)).toEqual(['/secured-docker']);

    const removed = await cosmos(admin, 'uninstall', {
      packageName: 'simple-docker',
      appId: '/secured-docker',
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await appIds()).not.toContain('/secured-docker');
  });
});
