import { describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { useZooKeeper } from './ha-fixture.js';

const zk = useZooKeeper();

async function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

describe('a highly available master', () => {
  it('leads alone and reports leader, leader_info, elected_time and its pid in /master/state', async () => {
    const master = await zk.haMaster(zk.nextUrl('ha-master'));
    await master.waitUntilLeading();

    const state = (await (await get(`${master.url}/master/state`)).json()) as Record<
      string,
      unknown
    >;
    const pid = `master@127.0.0.1:${master.self.port}`;
    expect(state.pid).toBe(pid);
    expect(state.leader).toBe(pid);
    expect(state.leader_info).toMatchObject({ id: master.self.id, port: master.self.port });
    expect(typeof state.elected_time).toBe('number');
  });

  it("redirects a follower's state and scheduler API to the leader, and answers /health itself", async () => {
    const zkUrl = zk.nextUrl('ha-master');
    const leader = await zk.haMaster(zkUrl);
    await leader.waitUntilLeading();
    const follower = await zk.haMaster(zkUrl);
    await waitFor('the follower to know the leader', async () =>
      follower.leadership.leader()?.id === leader.self.id ? true : undefined,
    );

    const state = await get(`${follower.url}/master/state?jsonp=x`);
    expect(state.status).toBe(307);
    expect(state.headers.get('location')).toBe(
      `//127.0.0.1:${leader.self.port}/master/state?jsonp=x`,
    );
    expect((await get(`${follower.url}/api/v1/scheduler`)).status).toBe(307);
    expect((await get(`${follower.url}/health`)).status).toBe(200);
    expect(follower.daemon).toBeUndefined();
  });

  it('takes over, with what the old leader wrote, when the leader stops', async () => {
    const zkUrl = zk.nextUrl('ha-master');
    const first = await zk.haMaster(zkUrl);
    const daemon = await first.waitUntilLeading();
    await daemon.master.updateWeights([{ role: 'ops', weight: 3 }]);
    const second = await zk.haMaster(zkUrl);

    await first.stop();
    const next = await second.waitUntilLeading();
    expect(next.master.weights.get('ops')).toBe(3);
  });

  it('steps down at once when it loses ZooKeeper, answers 503 without a leader, and leads again when it returns', async () => {
    const master = await zk.haMaster(zk.nextUrl('ha-master'));
    const daemon = await master.waitUntilLeading();

    zk.server.pause();
    try {
      await waitFor('the master to step down', async () => (master.isLeading ? undefined : true));
      // The old term's master core no longer writes the replicated state.
      await expect(daemon.master.updateWeights([{ role: 'dev', weight: 2 }])).rejects.toThrow();
      // It serves on as a follower (after a moment to start its next term).
      const state = await waitFor('the stepped-down master to answer', () =>
        get(`${master.url}/master/state`).catch(() => undefined),
      );
      expect(state.status).toBe(503);
      expect(await state.text()).toBe('No leader elected');
    } finally {
      zk.server.resume();
    }
    const again = await master.waitUntilLeading();
    expect(again).not.toBe(daemon);
    expect(again.master.weights.has('dev')).toBe(false);
  });

  it('leads again after a ZooKeeper restart, from the state it had written', async () => {
    const master = await zk.haMaster(zk.nextUrl('ha-master'));
    const daemon = await master.waitUntilLeading();
    await daemon.master.updateWeights([{ role: 'ops', weight: 5 }]);

    await zk.server.restart();
    const again = await waitFor('leading after the restart', async () => {
      const current = await master.waitUntilLeading();
      return current.master.isRecovered ? current : undefined;
    });
    expect(again.master.weights.get('ops')).toBe(5);
  });
});
