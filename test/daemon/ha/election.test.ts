import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { decodeMasterInfo } from '@mesolite/daemon/ha/leader-znode';
import { ZooKeeperConnection } from '@mesolite/daemon/ha/zookeeper-connection';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ZooKeeperServer, zookeeperServer } from '../../support/real-services.js';
import { waitFor } from '../../support/wait.js';
import { HaHarness, mostSimultaneousLeaders, type TestMaster } from './ha-fixture.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CHILD_SCRIPT = resolve(import.meta.dirname, 'fixtures/contender-child.ts');

let zk: ZooKeeperServer;
let ha: HaHarness;
let path: string;
let run = 0;

beforeAll(async () => {
  zk = await zookeeperServer({ tickTime: 500 });
});
afterAll(async () => {
  await zk?.stop();
});
beforeEach(() => {
  ha = new HaHarness(zk.connectionString);
  run += 1;
  path = `/election-${run}/mesolite`;
});
afterEach(async () => {
  await ha.close();
});

function leadersAmong(masters: readonly TestMaster[]): TestMaster[] {
  return masters.filter((master) => master.contender.isLeader);
}

async function leaderOf(masters: readonly TestMaster[], what: string): Promise<TestMaster> {
  return waitFor(what, async () => {
    const leaders = leadersAmong(masters);
    return leaders.length === 1 ? leaders[0] : undefined;
  });
}

/** Three masters joined in order a, b, c, with a leading. */
async function threeMasters(): Promise<[TestMaster, TestMaster, TestMaster]> {
  const a = await ha.master(path, 5051);
  await leaderOf([a], 'the first master to lead');
  // One after the other, so their sequence numbers (the line of succession) are b then c.
  const b = await ha.master(path, 5052);
  await waitFor('b to hold a znode', async () => (b.contender.znode ? true : undefined));
  const c = await ha.master(path, 5053);
  await waitFor('c to hold a znode', async () => (c.contender.znode ? true : undefined));
  return [a, b, c];
}

describe('leader election', () => {
  it('elects exactly one of three masters: the first to join', async () => {
    const [a, b, c] = await threeMasters();
    expect(leadersAmong([a, b, c])).toEqual([a]);
    expect(a.contender.electedAt).toEqual(expect.any(Number));
    expect(b.contender.electedAt).toBeUndefined();
  });

  it('holds Mesos’s znodes: ephemeral json.info_NNNNNNNNNN with the MasterInfo as JSON', async () => {
    const [a] = await threeMasters();
    const reader = ha.connection();
    await reader.waitUntilConnected();
    const children = (await reader.getChildren(path)) ?? [];
    expect(children.sort()).toEqual([
      expect.stringMatching(/^json\.info_\d{10}$/),
      expect.stringMatching(/^json\.info_\d{10}$/),
      expect.stringMatching(/^json\.info_\d{10}$/),
    ]);
    const lowest = children.sort()[0] ?? '';
    const node = await reader.getData(`${path}/${lowest}`);
    expect(node?.stat.ephemeralOwner.toString('hex')).toBe(a.connection.sessionId);
    expect(decodeMasterInfo(node?.data ?? Buffer.alloc(0))).toEqual(a.info);
  });

  it('lets a detector report the leader’s MasterInfo', async () => {
    const [a] = await threeMasters();
    const detector = await ha.detector(path);
    expect(await detector.waitForLeader()).toEqual(a.info);
  });

  it('lets a detector started before any master wait for the first leader', async () => {
    const detector = await ha.detector(path);
    const reports: Array<string | undefined> = [];
    detector.on('leader', (info) => {
      reports.push(info?.id);
    });
    const a = await ha.master(path, 5051);
    expect(await detector.waitForLeader()).toEqual(a.info);
    expect(reports).toEqual([a.id]);
  });

  it('lets a detector report no leader once every master has gone', async () => {
    const [a, b, c] = await threeMasters();
    const detector = await ha.detector(path);
    await detector.waitForLeader();
    for (const master of [a, b, c]) await master.contender.withdraw();
    await waitFor('the detector to report no leader', async () =>
      detector.leader ? undefined : true,
    );
  });

  it('hands leadership to the next master when the leader’s session closes, and the detector follows', async () => {
    const [a, b, c] = await threeMasters();
    const detector = await ha.detector(path);
    await detector.waitForLeader();
    await a.connection.close();
    expect(await leaderOf([b, c], 'b to lead')).toBe(b);
    await waitFor('the detector to report b', async () =>
      detector.leader?.id === b.id ? true : undefined,
    );
    expect(mostSimultaneousLeaders(ha.timeline)).toBe(1);
  });

  it('hands leadership on when the leader withdraws', async () => {
    const [a, b, c] = await threeMasters();
    await a.contender.withdraw();
    expect(a.events.at(-1)).toBe('lost: withdrew from the election');
    expect(await leaderOf([a, b, c], 'b to lead')).toBe(b);
  });

  it('replaces a leader killed with SIGKILL once ZooKeeper expires its session', async () => {
    const child = startChild(path, 'master-5050', 5050);
    try {
      await child.waitForLine('leading');
      const b = await ha.master(path, 5052);
      const detector = await ha.detector(path);
      expect((await detector.waitForLeader()).id).toBe('master-5050');
      child.process.kill('SIGKILL');
      expect(await leaderOf([b], 'b to lead after the kill')).toBe(b);
      await waitFor('the detector to report b', async () =>
        detector.leader?.id === b.id ? true : undefined,
      );
    } finally {
      await child.stop();
    }
  });

  it('steps a leader down at once when its session expires, and rejoins it with a new znode', async () => {
    const [a, b, c] = await threeMasters();
    const znodeBefore = a.contender.znode;
    // The classic way to expire a session: a second client joins it with its id and
    // password and closes it, and ZooKeeper ends the session for both. a reconnects at
    // once and may take its session back before the close arrives, so the trick is
    // repeated until the session is gone.
    const credentials = a.connection.sessionCredentials();
    const original = a.connection.sessionId;
    if (!credentials) throw new Error('a has no session');
    await waitFor(
      'a’s session to expire',
      async () => {
        const thief = new ZooKeeperConnection({
          connectionString: zk.connectionString,
          session: credentials,
        });
        try {
          await thief.waitUntilConnected(5000);
        } finally {
          await thief.close();
        }
        return a.connection.sessionId === original ? undefined : true;
      },
      60_000,
      200,
    );

    await waitFor('b to lead', async () => (b.contender.isLeader ? true : undefined));
    expect(leadersAmong([a, b, c])).toEqual([b]);
    await waitFor('a to rejoin with a new znode', async () =>
      a.contender.znode !== undefined && a.contender.znode !== znodeBefore ? true : undefined,
    );
    expect(a.events[0]).toBe('elected');
    expect(a.events.at(-1)).toMatch(/^lost: /);
    expect(a.contender.isLeader).toBe(false);
    expect(mostSimultaneousLeaders(ha.timeline)).toBe(1);
  });

  it('stops leading while ZooKeeper is down and has one leader again once it is back', async () => {
    const [a, b, c] = await threeMasters();
    const detector = await ha.detector(path);
    await detector.waitForLeader();
    await zk.kill();
    await waitFor('a to step down', async () => (a.contender.isLeader ? undefined : true));
    expect(a.events).toEqual(['elected', 'lost: lost contact with ZooKeeper']);
    await zk.start();
    const leader = await leaderOf([a, b, c], 'a leader after the restart');
    await waitFor('the detector to agree', async () =>
      detector.leader?.id === leader.id ? true : undefined,
    );
    expect(mostSimultaneousLeaders(ha.timeline)).toBe(1);
  });

  it('steps a leader down when ZooKeeper stops answering without closing the connection', async () => {
    const [a, b, c] = await threeMasters();
    zk.pause();
    try {
      await waitFor('a to step down', async () => (a.contender.isLeader ? undefined : true));
      expect(a.events).toEqual(['elected', 'lost: lost contact with ZooKeeper']);
    } finally {
      zk.resume();
    }
    await leaderOf([a, b, c], 'a leader once ZooKeeper answers again');
    expect(mostSimultaneousLeaders(ha.timeline)).toBe(1);
  });
});

interface Child {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  waitForLine(line: string): Promise<void>;
  stop(): Promise<void>;
}

function startChild(zkPath: string, id: string, port: number): Child {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@mesolite/source',
      '--import',
      'tsx',
      CHILD_SCRIPT,
      zk.connectionString,
      zkPath,
      id,
      String(port),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const closed = once(child, 'close');
  return {
    process: child,
    async waitForLine(line) {
      await waitFor(`the child to print ${line}`, async () =>
        lines.includes(line) ? true : undefined,
      ).catch((error: unknown) => {
        throw new Error(
          `${error instanceof Error ? error.message : error}; its stderr:\n${stderr}`,
        );
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await closed;
    },
  };
}
