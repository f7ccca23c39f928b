import { createServer } from 'node:net';
import { followerRoutes } from '@mesolite/daemon/ha/follower-routes';
import { electionLeadership, type Leadership } from '@mesolite/daemon/ha/leadership';
import { buildMasterInfo } from '@mesolite/daemon/master/master-info';
import type { MasterInfo } from '@mesolite/daemon/protocol/mesos';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { zookeeperServer } from '../../support/real-services.js';
import { waitFor } from '../../support/wait.js';
import { HaHarness } from './ha-fixture.js';

/**
 * A stand-in for a master's HTTP server: the follower routes at the root, and a few
 * routes that say which master answered, so a test sees where a request ended up.
 */
interface FakeMaster {
  readonly info: MasterInfo;
  readonly url: string;
  /** The Via header of every request this master served itself. */
  readonly served: Array<string | undefined>;
  leader: MasterInfo | undefined;
  leading: boolean;
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function fakeMaster(
  leadership?: (master: FakeMaster) => Leadership,
  info?: MasterInfo,
): Promise<FakeMaster> {
  const port = info?.port ?? (await freePort());
  const self = info ?? {
    ...buildMasterInfo('127.0.0.1', port, `master-${port}`),
    hostname: '127.0.0.1',
  };
  const master: FakeMaster = {
    info: self,
    url: `http://127.0.0.1:${port}`,
    served: [],
    leader: undefined,
    leading: false,
  };
  const app = Fastify();
  apps.push(app);
  await app.register(
    followerRoutes({
      self,
      leadership: leadership?.(master) ?? {
        isLeader: () => master.leading,
        leader: () => (master.leading ? self : master.leader),
        electedAt: () => undefined,
      },
    }),
  );
  app.get('/health', async () => '');
  app.get('/', async () => `ui of ${self.id}`);
  app.get('/master/state', async () => ({ pid: self.pid }));
  app.post('/api/v1/scheduler', async () => `scheduler of ${self.id}`);
  app.all('/service/marathon/*', async (request) => {
    master.served.push(request.headers.via);
    return {
      servedBy: self.id,
      method: request.method,
      url: request.url,
      body: request.body ?? null,
    };
  });
  await app.listen({ host: '127.0.0.1', port });
  return master;
}

/** A leader and a follower that knows it. */
async function leaderAndFollower(): Promise<[FakeMaster, FakeMaster]> {
  const leader = await fakeMaster();
  leader.leading = true;
  const follower = await fakeMaster();
  follower.leader = leader.info;
  return [leader, follower];
}

const manual = { redirect: 'manual' } as const;

describe('a master that does not lead', () => {
  it('answers /health and /ping itself, even with no leader elected', async () => {
    const alone = await fakeMaster();
    expect((await fetch(`${alone.url}/health`)).status).toBe(200);
    const ping = await fetch(`${alone.url}/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('pong');
  });

  it('serves its own UI and other local pages', async () => {
    const [, follower] = await leaderAndFollower();
    expect(await (await fetch(`${follower.url}/`)).text()).toBe(`ui of ${follower.info.id}`);
  });

  it('redirects the v1 scheduler API to the leader with 307, keeping the method', async () => {
    const [leader, follower] = await leaderAndFollower();
    const response = await fetch(`${follower.url}/api/v1/scheduler`, {
      ...manual,
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(
      `//127.0.0.1:${leader.info.port}/api/v1/scheduler`,
    );
  });

  it.each([
    '/api/v1',
    '/master/state',
    '/master/state.json',
    '/state',
    '/state.json',
    '/master/state?jsonp=cb',
  ])('redirects %s to the leader', async (path) => {
    const [leader, follower] = await leaderAndFollower();
    const response = await fetch(`${follower.url}${path}`, manual);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`//127.0.0.1:${leader.info.port}${path}`);
  });

  it('answers 503 "No leader elected" while no master leads', async () => {
    const alone = await fakeMaster();
    for (const path of ['/master/state', '/api/v1', '/master/redirect']) {
      const response = await fetch(`${alone.url}${path}`, manual);
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('No leader elected');
    }
  });

  it('proxies plugin APIs to the leader, body included, and names the leader as Marathon does', async () => {
    const [leader, follower] = await leaderAndFollower();
    const response = await fetch(`${follower.url}/service/marathon/v2/apps?embed=apps.tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/zombies', instances: 2 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-marathon-leader')).toBe(`http://127.0.0.1:${leader.info.port}`);
    expect(await response.json()).toEqual({
      servedBy: leader.info.id,
      method: 'POST',
      url: '/service/marathon/v2/apps?embed=apps.tasks',
      body: { id: '/zombies', instances: 2 },
    });
    expect(leader.served).toEqual([`1.1 127.0.0.1:${follower.info.port}`]);
    expect(follower.served).toEqual([]);
  });

  it('answers 503 to plugin APIs, as Marathon does, while it cannot tell who leads', async () => {
    const alone = await fakeMaster();
    const response = await fetch(`${alone.url}/service/marathon/v2/apps`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Could not determine the current leader' });
  });

  it('answers 502 once, never looping, when two masters each believe the other leads', async () => {
    const a = await fakeMaster();
    const b = await fakeMaster();
    a.leader = b.info;
    b.leader = a.info;
    const response = await fetch(`${a.url}/service/marathon/v2/apps`);
    expect(response.status).toBe(502);
    expect(await response.text()).toBe('Detected proxying loop.');
    expect([...a.served, ...b.served]).toEqual([]);
  });

  it('answers 502 when the leader it names cannot be reached', async () => {
    const follower = await fakeMaster();
    const gone = await freePort();
    follower.leader = { ...buildMasterInfo('127.0.0.1', gone, 'gone'), hostname: '127.0.0.1' };
    const response = await fetch(`${follower.url}/service/marathon/v2/apps`);
    expect(response.status).toBe(502);
    expect(await response.text()).toBe('Connection to leader refused.');
  });
});

describe('the leading master', () => {
  it('answers the Mesos APIs and plugin APIs itself, naming itself as leader', async () => {
    const [leader] = await leaderAndFollower();
    expect(await (await fetch(`${leader.url}/api/v1/scheduler`, { method: 'POST' })).text()).toBe(
      `scheduler of ${leader.info.id}`,
    );
    const apps = await fetch(`${leader.url}/service/marathon/v2/apps`);
    expect(apps.headers.get('x-marathon-leader')).toBe(`http://127.0.0.1:${leader.info.port}`);
    expect(leader.served).toEqual([undefined]);
  });

  it('redirects /master/redirect to itself, as every master redirects to the leader', async () => {
    const [leader, follower] = await leaderAndFollower();
    for (const master of [leader, follower]) {
      const response = await fetch(`${master.url}/master/redirect`, manual);
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe(`//127.0.0.1:${leader.info.port}`);
    }
    expect((await fetch(`${leader.url}/master/redirect/master/state`, manual)).status).toBe(404);
  });
});

describe('with leadership from a real ZooKeeper election', () => {
  it('routes to whichever master leads, and follows a failover', async () => {
    const zk = await zookeeperServer({ tickTime: 500 });
    const ha = new HaHarness(zk.connectionString);
    try {
      const path = '/follower-routes/mesolite';
      const masters = [];
      for (const _ of [1, 2]) {
        const port = await freePort();
        const contending = await ha.master(path, port);
        if (masters.length === 0)
          await waitFor('the first to lead', async () =>
            contending.contender.isLeader ? true : undefined,
          );
        const detector = await ha.detector(path);
        const http = await fakeMaster(
          () => electionLeadership(contending.contender, detector, contending.info),
          contending.info,
        );
        masters.push({ contending, detector, http });
      }
      const [first, second] = masters;
      if (!first || !second) throw new Error('two masters expected');
      await waitFor('the second to know the leader', async () =>
        second.detector.leader ? true : undefined,
      );

      const before = await fetch(`${second.http.url}/master/redirect`, manual);
      expect(before.headers.get('location')).toBe(`//127.0.0.1:${first.http.info.port}`);

      await first.contending.connection.close();
      await waitFor('the second to lead', async () =>
        second.contending.contender.isLeader ? true : undefined,
      );
      expect(await (await fetch(`${second.http.url}/master/state`)).json()).toEqual({
        pid: second.http.info.pid,
      });
      const after = await fetch(`${second.http.url}/master/redirect`, manual);
      expect(after.headers.get('location')).toBe(`//127.0.0.1:${second.http.info.port}`);
    } finally {
      await ha.close();
      await zk.stop();
    }
  });
});
