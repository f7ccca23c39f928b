import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';
import { useZooKeeper } from './ha-fixture.js';

/** The CLI finding the leading master through ZooKeeper, as mesos-resolve and Mesos's tools do. */
const zk = useZooKeeper();

describe('the CLI and a highly available cluster', () => {
  it('`master resolve zk://…` prints the leader’s ip:port, and the next one after a failover', async () => {
    const zkUrl = zk.nextUrl('cli');
    const first = await zk.haMaster(zkUrl);
    await first.waitUntilLeading();
    const second = await zk.haMaster(zkUrl);

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
    const zkUrl = zk.nextUrl('cli');
    const first = await zk.haMaster(zkUrl);
    const daemon = await first.waitUntilLeading();
    const second = await zk.haMaster(zkUrl);
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
    const zkUrl = zk.nextUrl('cli');
    const first = await zk.haMaster(zkUrl);
    await first.waitUntilLeading();
    await zk.haMaster(zkUrl);

    const health = await runCli(['health', '--master', zkUrl]);
    expect(health.stdout).toBe(`healthy: ${first.url}\n`);
    const plugins = await runCli(['plugin', 'list', '--master', zkUrl]);
    expect(plugins.code).toBe(0);
  });

  it('says that no master leads when none is elected under the path', async () => {
    const zkUrl = zk.nextUrl('cli');
    const resolved = await runCli(['master', 'resolve', zkUrl, '--timeout', '1']);
    expect(resolved.code).not.toBe(0);
    expect(resolved.stderr).toContain(`No master leads under ${zkUrl}`);
    const health = await runCli(['health', '--master', zkUrl]);
    expect(health.code).not.toBe(0);
    expect(health.stderr).toContain('MESOLITE_ERR_NO_LEADING_MASTER');
  });
});
