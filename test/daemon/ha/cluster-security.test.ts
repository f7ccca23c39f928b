import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, resolveDaemonOptions } from '@mesolite/daemon';
import { formatJoinToken, joinSecretMatches } from '@mesolite/daemon/auth/join-token';
import { AUTH_NAMESPACE } from '@mesolite/daemon/auth/local-auth-store';
import { SIGNING_KEY } from '@mesolite/daemon/auth/token-signer';
import { LocalUserStore } from '@mesolite/daemon/auth/user-store';
import { claimClusterCa } from '@mesolite/daemon/ha/cluster-ca';
import { ZooKeeperJoinTokens } from '@mesolite/daemon/ha/cluster-join-token';
import { prepareClusterSecurity } from '@mesolite/daemon/ha/cluster-security';
import { claimZnode, clusterZnodes, secretAcl } from '@mesolite/daemon/ha/cluster-znodes';
import { parseZooKeeperUrl } from '@mesolite/daemon/ha/zk-url';
import type { ZooKeeperConnection } from '@mesolite/daemon/ha/zookeeper-connection';
import { ZooKeeperStore } from '@mesolite/daemon/ha/zookeeper-store';
import { certificateFingerprint } from '@mesolite/daemon/tls/fingerprint';
import { beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, workDirWithUsers } from '../auth/secure-daemon.js';
import { useZooKeeper } from './ha-fixture.js';

const MASTERS = 3;
const OPEN = secretAcl(undefined);

const zk = useZooKeeper();
let path: string;

beforeEach(() => {
  path = zk.nextPath('cluster');
});

async function sessions(count: number): Promise<ZooKeeperConnection[]> {
  return Promise.all(Array.from({ length: count }, () => zk.connect()));
}

describe('publishing a cluster secret (create-if-absent)', () => {
  it('publishes exactly one value when masters race, and every one of them gets it', async () => {
    const racers = await sessions(MASTERS);
    const claimed = await Promise.all(
      racers.map((connection, index) =>
        claimZnode(connection, `${path}/tls/ca`, async () => Buffer.from(`master-${index}`), OPEN),
      ),
    );
    const stored = (await racers[0]?.getData(`${path}/tls/ca`))?.data.toString();
    expect(stored).toMatch(/^master-\d$/);
    // A value made by a master that lost the race is never seen by anyone.
    expect(claimed.map((data) => data.toString())).toEqual(Array(MASTERS).fill(stored));
  });

  it('gives racing masters one CA, which signs server certificates', async () => {
    const racers = await sessions(MASTERS);
    const cas = await Promise.all(
      racers.map((connection) => claimClusterCa(connection, path, OPEN)),
    );
    const [first] = cas;
    for (const ca of cas) expect(ca).toEqual(first);
    const cert = new X509Certificate(first?.cert ?? '');
    expect(cert.ca).toBe(true);
  });

  it('keeps the CA from sessions without the digest credentials of the zk:// URL', async () => {
    const credentials = 'mesolite:zk-secret';
    const owner = await zk.connect(credentials);
    const ca = await claimClusterCa(owner, path, secretAcl(credentials));
    const sameUser = await zk.connect(credentials);
    expect(await claimClusterCa(sameUser, path, secretAcl(credentials))).toEqual(ca);
    const stranger = await zk.connect();
    await expect(stranger.getData(clusterZnodes(path).ca)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_ZK_OPERATION',
    });
    const otherUser = await zk.connect('someone:else');
    await expect(otherUser.getData(clusterZnodes(path).ca)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_ZK_OPERATION',
    });
  });
});

describe('the join token of a highly available cluster', () => {
  const fingerprint = 'a'.repeat(64);

  it('is one token for racing masters', async () => {
    const racers = await sessions(MASTERS);
    const sources = await Promise.all(
      racers.map((connection) => ZooKeeperJoinTokens.claim(connection, path, fingerprint, OPEN)),
    );
    const tokens = await Promise.all(sources.map((source) => source.current()));
    expect(new Set(tokens.map(formatJoinToken)).size).toBe(1);
    expect(tokens[0]?.caFingerprint).toBe(fingerprint);
  });

  it('is rotated for every master at once, through any of them', async () => {
    const [one, two] = await sessions(2);
    if (!one || !two) throw new Error('no sessions');
    const a = await ZooKeeperJoinTokens.claim(one, path, fingerprint, OPEN);
    const b = await ZooKeeperJoinTokens.claim(two, path, fingerprint, OPEN);
    const before = await b.current();
    const rotated = await a.rotate();
    expect(rotated.secret).not.toBe(before.secret);
    expect(rotated.caFingerprint).toBe(fingerprint);
    const seen = await b.current();
    expect(formatJoinToken(seen)).toBe(formatJoinToken(rotated));
    expect(joinSecretMatches(formatJoinToken(before), seen)).toBe(false);
    expect(joinSecretMatches(formatJoinToken(rotated), seen)).toBe(true);
  });

  it('is refused to a master whose certificate chains to another CA', async () => {
    const [one, two] = await sessions(2);
    if (!one || !two) throw new Error('no sessions');
    await ZooKeeperJoinTokens.claim(one, path, fingerprint, OPEN);
    await expect(ZooKeeperJoinTokens.claim(two, path, 'b'.repeat(64), OPEN)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_ZK_CLUSTER_CA_MISMATCH',
    });
  });
});

describe('prepareClusterSecurity', () => {
  async function prepare(
    connection: ZooKeeperConnection,
    workDir: string,
    auth: boolean,
  ): Promise<Awaited<ReturnType<typeof prepareClusterSecurity>>> {
    const zkUrl = zk.url(path);
    const store = await ZooKeeperStore.open({ connection, root: `${path}/store` });
    return prepareClusterSecurity({
      connection,
      zk: parseZooKeeperUrl(zkUrl),
      daemon: resolveDaemonOptions({ host: '127.0.0.1', port: 0, workDir, auth, zk: zkUrl }),
      store,
      logger: createLogger('silent'),
    });
  }

  /** Two masters' sessions and work dirs: the first with an admin user, the second with none. */
  async function twoMasters() {
    const withAdmin = await workDirWithUsers([ADMIN]);
    const withoutUsers = await mkdtemp(join(tmpdir(), 'mesolite-ha-no-users-'));
    for (const dir of [withAdmin, withoutUsers]) {
      zk.defer(() => rm(dir, { recursive: true, force: true }));
    }
    const [one, two] = await sessions(2);
    if (!one || !two) throw new Error('no sessions');
    return { one, two, withAdmin, withoutUsers };
  }

  it('gives masters starting together one CA, one join token, one signing key and the first admin', async () => {
    const { one, two, withAdmin, withoutUsers } = await twoMasters();
    const [a, b] = await Promise.all([
      prepare(one, withAdmin, true),
      prepare(two, withoutUsers, true),
    ]);
    if (!a || !b) throw new Error('security was not prepared');

    expect(a.tls.caFingerprint).toBe(b.tls.caFingerprint);
    expect(a.tls.ca).toBe(b.tls.ca);
    // Each master has its own server certificate, issued by the shared CA.
    expect(a.tls.key).not.toBe(b.tls.key);
    const ca = new X509Certificate(a.tls.ca);
    for (const tls of [a.tls, b.tls]) {
      expect(new X509Certificate(tls.cert).checkIssued(ca)).toBe(true);
    }
    expect(certificateFingerprint(a.tls.ca)).toBe(a.tls.caFingerprint);
    expect(formatJoinToken(await a.joinTokens.current())).toBe(
      formatJoinToken(await b.joinTokens.current()),
    );

    const store = await ZooKeeperStore.open({ connection: one, root: `${path}/store` });
    const auth = store.namespace(AUTH_NAMESPACE);
    expect(typeof (await auth.get(SIGNING_KEY))).toBe('string');
    const users = new LocalUserStore(auth);
    expect(await users.authenticate(ADMIN.uid, ADMIN.password)).toMatchObject({ role: 'admin' });
  });

  it('refuses a master without auth in a cluster whose masters have it', async () => {
    const { one, two, withAdmin, withoutUsers } = await twoMasters();
    expect(await prepare(one, withAdmin, true)).toBeDefined();
    await expect(prepare(two, withoutUsers, false)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_ZK_CLUSTER_SECURED',
    });
  });
});
