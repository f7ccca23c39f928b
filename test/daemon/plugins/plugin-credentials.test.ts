/**
 * A plugin calling back to the master with auth and HTTPS on: context.fetch carries the
 * token of its service account (`plugin:<name>`) and trusts the cluster's CA, and
 * context.taskCallback hands out tokens good for one request only. Without auth, the
 * same calls simply work and no token is made.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon } from '../../support/daemon.js';
import { ADMIN, type SecureDaemon, startSecureDaemon } from '../auth/secure-daemon.js';
import { pluginPackage } from './support/plugin-packages.js';

/** A plugin whose routes report what its context's fetch and taskCallback give it. */
const PROBE = pluginPackage(
  { name: 'probe', displayName: 'Probe', apiVersion: '1', entry: 'index.js' },
  {
    'index.js': `
export async function activate(context) {
  const status = async (path, init) => {
    try {
      const response = await context.fetch(path, init);
      return { status: response.status };
    } catch (err) {
      return { error: err.code ?? err.message };
    }
  };
  context.http.get('/master-state', () => status('/master/state'));
  context.http.get('/through-master', () => status('/service/probe/hello'));
  context.http.get('/full-url', () => status(context.masterUrl + '/master/state'));
  context.http.get('/add-user', () =>
    status('/acs/api/v1/users/mallory', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'mallory-password', role: 'admin' }),
    }),
  );
  context.http.get('/outside', () => status('https://example.invalid/master/state'));
  context.http.get('/hello', async () => ({ hello: 'world' }));
  context.http.put('/done', async () => ({ done: true }));
  context.http.get('/callback', () =>
    context.taskCallback({ method: 'PUT', path: '/done', lifetimeSeconds: 60 }),
  );
}
`,
  },
);

describe('plugins calling the master', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function securedWithProbe(): Promise<{ daemon: SecureDaemon; admin: typeof fetch }> {
    const daemon = await startSecureDaemon();
    stops.push(() => daemon.stop());
    const admin = daemon.fetch(await daemon.login(ADMIN));
    const installed = await admin(`${daemon.url}/mesolite/v1/plugins`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(PROBE),
    });
    expect(installed.status).toBe(201);
    return { daemon, admin };
  }

  it('with auth on, reach the master and other plugins as their service account', async () => {
    const { daemon, admin } = await securedWithProbe();
    const probe = async (route: string) =>
      (await (await admin(`${daemon.url}/service/probe/${route}`)).json()) as {
        status?: number;
        error?: string;
      };
    expect(await probe('master-state')).toEqual({ status: 200 });
    expect(await probe('through-master')).toEqual({ status: 200 });
    expect(await probe('full-url')).toEqual({ status: 200 });
    // A service account never manages accounts, whatever its role.
    expect(await probe('add-user')).toEqual({ status: 403 });
    expect(await probe('outside')).toEqual({ error: 'MESOLITE_ERR_PLUGIN_FETCH_OUTSIDE_MASTER' });
    expect((await daemon.fetch()(`${daemon.url}/master/state`)).status).toBe(401);
  });

  it("with auth on, give a task a token for the one request it names, through the master's URL", async () => {
    const { daemon, admin } = await securedWithProbe();
    const callback = (await (await admin(`${daemon.url}/service/probe/callback`)).json()) as {
      url: string;
      token?: string;
    };
    expect(callback.url).toBe(`${daemon.url}/service/probe/done`);
    expect(callback.token).toEqual(expect.any(String));
    const task = daemon.fetch(callback.token);
    const done = await task(callback.url, { method: 'PUT' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ done: true });
    expect((await task(`${daemon.url}/service/probe/hello`)).status).toBe(403);
    expect((await task(callback.url, { method: 'GET' })).status).toBe(403);
  });

  it('without auth, reach the master plainly and give tasks a URL without a token', async () => {
    const daemon = await startTestDaemon();
    stops.push(() => daemon.stop());
    const installed = await fetch(`${daemon.url}/mesolite/v1/plugins`, {
      method: 'POST',
      headers: { 'content-type': 'application/gzip' },
      body: new Uint8Array(PROBE),
    });
    expect(installed.status).toBe(201);
    const probe = async (route: string) =>
      (await fetch(`${daemon.url}/service/probe/${route}`)).json();
    expect(await probe('master-state')).toEqual({ status: 200 });
    expect(await probe('callback')).toEqual({ url: `${daemon.url}/service/probe/done` });
  });
});
