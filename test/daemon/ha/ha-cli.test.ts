import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { masterFetch } from '@mesolite/daemon/auth/master-fetch';
import { certificateFingerprint } from '@mesolite/daemon/tls/fingerprint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';
import { HaCluster, zkMasterArgs } from '../../support/ha-cluster.js';
import { waitFor } from '../../support/wait.js';
import { ADMIN, workDirWithUsers } from '../auth/secure-daemon.js';

describe('mesolite master --zk, refusing what it cannot do', () => {
  it('refuses a --zk that is not a zk:// URL, saying how to write one', async () => {
    const result = await runCli([
      'master',
      '--zk',
      'http://127.0.0.1:2181/mesolite',
      '--port',
      '0',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('zk://HOST:PORT');
  });
});

describe('mesolite master --zk with --auth', () => {
  const cluster = new HaCluster('ha-cli');

  beforeAll(() => cluster.startZooKeeper());
  afterAll(() => cluster.stop());

  it('refuses to start a cluster nobody could log in to, naming the command that fixes it', async () => {
    const workDir = await cluster.workDir('noadmin');
    const result = await cluster.run(
      zkMasterArgs('master', cluster.zkUrl('no-admin'), workDir, { auth: true }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('MESOLITE_ERR_NO_ADMIN_USER');
    expect(result.stderr).toContain(`mesolite user add NAME --role admin --work-dir ${workDir}`);
  });

  it('serves HTTPS and prints the agent command that follows the cluster, with its token', async () => {
    const workDir = await workDirWithUsers([ADMIN]);
    cluster.ownDir(workDir);
    const zkUrl = cluster.zkUrl('printed');
    const up = cluster.spawn(zkMasterArgs('up', zkUrl, workDir, { auth: true }));
    const printed = await waitFor('the join instructions', async () =>
      /Clients trust .*\n/.test(up.stdout()) ? up.stdout() : undefined,
    );
    expect(printed).toMatch(/^mesolite is up: https:\/\/127\.0\.0\.1:\d+\//);
    const token = await readFile(join(workDir, 'tls', 'ca.crt'), 'utf8').then(
      (ca) => `K10${certificateFingerprint(ca)}::agent:`,
    );
    expect(printed).toContain(`mesolite agent --master ${zkUrl} --token ${token}`);
    expect(printed).toContain(`--ca-cert ${join(workDir, 'tls', 'ca.crt')}`);

    // Its own agent joined the leader (itself) as any other would: over TLS, with the token.
    const url = /^mesolite is up: (https:\S+?)\/ /.exec(printed)?.[1] ?? '';
    const ca = await readFile(join(workDir, 'tls', 'ca.crt'), 'utf8');
    const login = await masterFetch({ ca })(`${url}/acs/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uid: ADMIN.uid, password: ADMIN.password }),
    });
    const admin = masterFetch({ ca, token: ((await login.json()) as { token: string }).token });
    await waitFor('the local agent registered', async () => {
      const state = (await (await admin(`${url}/master/state`)).json()) as {
        slaves: Array<{ active: boolean }>;
      };
      return state.slaves.some((slave) => slave.active) ? true : undefined;
    });
  });
});
