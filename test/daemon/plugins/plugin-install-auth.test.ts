import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type SecureDaemon, startSecureDaemon, VIEWER } from '../auth/secure-daemon.js';
import { pluginPackage } from './support/plugin-packages.js';

const tgz = pluginPackage(
  { name: 'greeter', displayName: 'Greeter', apiVersion: '1', entry: 'index.js' },
  { 'index.js': 'export async function activate() {}' },
);

describe('installing plugins on a master with auth on', () => {
  let daemon: SecureDaemon;
  beforeAll(async () => {
    daemon = await startSecureDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  const install = async (token: string | undefined) =>
    daemon.fetch(token)(`${daemon.url}/mesolite/v1/plugins`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(tgz),
    });

  it('refuses an install without a credential (401) and from a viewer (403), writing nothing', async () => {
    expect((await install(undefined)).status).toBe(401);
    expect((await install(await daemon.login(VIEWER))).status).toBe(403);
    expect(await readdir(join(daemon.workDir, 'plugins')).catch(() => [])).toEqual([]);
  });

  it('installs a package an admin uploads', async () => {
    const response = await install(await daemon.login(ADMIN));
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'greeter', status: 'active' });
  });
});
