import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, resolveDaemonOptions } from '@mesolite/daemon';
import { HaMaster } from '@mesolite/daemon/ha/ha-master';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';
import { type ZooKeeperServer, zookeeperServer } from '../../support/real-services.js';
import { waitFor } from '../../support/wait.js';

/** The CLI finding the leading master through ZooKeeper, as mesos-resolve and Mesos's tools do. */
let zk: ZooKeeperServer;
let run = 0;
const started: Array<() => Promise<void>> = [];

beforeAll(async () => {
  zk = await zookeeperServer({ tickTime: 500 });
});
afterAll(async () => {
  await zk?.stop();
});
afterEach(async () => {
  for (const stop of started.splice(0).reverse()) await stop();
});

function nextZkUrl(): string {
  run += 1;
  return `zk://${zk.connectionString}/cli-${run}/mesolite`;
}

async function haMaster(zkUrl: string): Promise<HaMaster> {
  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-cli-ha-'));
  const master = await HaMaster.start({
    zk: zkUrl,
    daemon: resolveDaemonOptions({
      port: 0,
      workDir,
      logLevel: 'silent',
      agent: false,
      plugins: [],
    }),
    logger: createLogger(process.env.MESOLITE_TEST_LOG ?? 'silent'),
  });
  started.push(async () => {
    await master.stop();
    await rm(workDir, { recursive: true, force: true });
  });
  return master;
}

describe('the CLI and a highly available cluster', () => {
  it('`master resolve zk://…` prints the leader’s ip:port, and the next one after a failover', async () => {
    const zkUrl = nextZkUrl();
    const first = await haMaster(zkUrl);
    await first.waitUntilLeading();
    const second = await haMaster(zkUrl);

    const resolved = await runCli(['master', 'resolve', zkUrl]);
    expect(resolved.stderr).toBe('');
    expect(resolved.stdout).toBe(`127.0.0.1:${first.self.port}\n`);
    // Given a follower's URL, it follows the follower's redirect to the leader.
    const throughFollower = await runCli(['master', 'resolve', second.url]);
    expect(throughFollower.stdout).toBe(`127.0.0.1:${first.self.port}\n`);

    await first.stop();
    await second.waitUntilLeading();
    const after = await runCli(['master', 'resolve', zkUrl]);
    expect(after.stdout).toBe(`127.0.0.1:${second.self.port}\n`);
  });

  it('`master leader --master zk://…` prints the leader, its elected time and every master', async () => {
    const zkUrl = nextZkUrl();
    const first = await haMaster(zkUrl);
    const daemon = await first.waitUntilLeading();
    const second = await haMaster(zkUrl);
    await waitFor('the second master to be listed', async () =>
      first.masters.length === 2 ? true : undefined,
    );
    const pid = `master@127.0.0.1:${first.self.port}`;

    const shown = await runCli(['master', 'leader', '--master', zkUrl]);
    expect(shown.stderr).toBe('');
    const elected = new Date(daemon.master.electedTime).toISOString();
    expect(shown.stdout).toBe(
      `leader:  ${pid} (127.0.0.1:${first.self.port})\n` +
        `elected: ${elected} (elected_time ${daemon.master.electedTime / 1000})\n` +
        `masters: 127.0.0.1:${first.self.port} (leading), 127.0.0.1:${second.self.port}\n`,
    );

    const json = await runCli(['master', 'leader', '--json'], { MESOLITE_MASTER: zkUrl });
    expect(JSON.parse(json.stdout)).toEqual({
      leader: pid,
      leader_info: expect.objectContaining({ id: first.self.id, pid, port: first.self.port }),
      elected_time: daemon.master.electedTime / 1000,
    });
  });

  it('every client command takes --master zk://… and talks to the leader', async () => {
    const zkUrl = nextZkUrl();
    const first = await haMaster(zkUrl);
    await first.waitUntilLeading();
    await haMaster(zkUrl);

    const health = await runCli(['health', '--master', zkUrl]);
    expect(health.stdout).toBe(`healthy: ${first.url}\n`);
    const plugins = await runCli(['plugin', 'list', '--master', zkUrl]);
    expect(plugins.code).toBe(0);
  });

  it('says that no master leads when none is elected under the path', async () => {
    const zkUrl = nextZkUrl();
    const resolved = await runCli(['master', 'resolve', zkUrl, '--timeout', '1']);
    expect(resolved.code).not.toBe(0);
    expect(resolved.stderr).toContain(`No master leads under ${zkUrl}`);
    const health = await runCli(['health', '--master', zkUrl]);
    expect(health.code).not.toBe(0);
    expect(health.stderr).toContain('MESOLITE_ERR_NO_LEADING_MASTER');
  });
});
