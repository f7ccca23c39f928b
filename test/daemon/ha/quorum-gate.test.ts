import type { HaMaster } from '@mesolite/daemon/ha/ha-master';
import type { MastersView } from '@mesolite/daemon/ha/masters-view';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';
import { useZooKeeper } from './ha-fixture.js';

const zk = useZooKeeper();

async function operator(master: HaMaster, type: string): Promise<Response> {
  return fetch(`${master.url}/api/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ type }),
  });
}

async function masters(master: HaMaster): Promise<MastersView> {
  return (await (await fetch(`${master.url}/mesolite/v1/masters`)).json()) as MastersView;
}

describe('--quorum', () => {
  it('holds an elected master at "not finished recovery" until a second master joins', async () => {
    const zkUrl = zk.nextUrl('quorum');
    const first = await zk.haMaster(zkUrl, { quorum: 2 });
    await waitFor('the first master to be elected', async () =>
      first.leadership.isLeader() ? true : undefined,
    );

    const waiting = await operator(first, 'GET_HEALTH');
    expect(waiting.status).toBe(503);
    expect(await waiting.text()).toContain('Master has not finished recovery');
    expect(first.isLeading).toBe(false);
    const alone = await masters(first);
    expect(alone.leading).toBe(true);
    expect(alone.quorum).toEqual({ required: 2, present: 1 });

    const second = await zk.haMaster(zkUrl, { quorum: 2 });
    const daemon = await first.waitUntilLeading();
    expect(daemon.master.isRecovered).toBe(true);
    expect((await operator(first, 'GET_HEALTH')).status).toBe(200);
    const both = await masters(second);
    expect(both.leader?.id).toBe(first.self.id);
    expect(both.masters.map((master) => master.id)).toEqual([first.self.id, second.self.id]);
    expect(both.quorum).toEqual({ required: 2, present: 2 });
  });

  it('is refused without --zk, below 1 and when not a whole number, before anything starts', async () => {
    const withoutZk = await runCli(['master', '--quorum', '2', '--port', '0']);
    expect(withoutZk.code).toBe(2);
    expect(withoutZk.stderr).toContain('MESOLITE_ERR_INVALID_OPTION');
    expect(withoutZk.stderr).toContain('--zk');
    for (const bad of ['0', '1.5', 'two']) {
      const result = await runCli(['master', '--zk', 'zk://127.0.0.1:9/m', '--quorum', bad]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("option '--quorum <n>' argument");
    }
  });
});
