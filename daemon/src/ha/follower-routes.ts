import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MasterInfo } from '../protocol/mesos.js';
import { followerAction } from './follower-paths.js';
import { forwardToLeader, hasVisited, PROXY_LOOP_MESSAGE } from './leader-proxy.js';
import { masterHostPort } from './leader-znode.js';
import type { Leadership } from './leadership.js';

/** Mesos's answer while no master leads. */
export const NO_LEADER_MESSAGE = 'No leader elected';
/** Marathon's answer when it cannot tell whom to forward to. */
export const NO_LEADER_FOR_PROXY_MESSAGE = 'Could not determine the current leader';

export interface FollowerRoutesOptions {
  readonly leadership: Leadership;
  /** This master's MasterInfo, the one it contends with. */
  readonly self: MasterInfo;
  /** How long a forwarded request may wait for the leader's answer; default 60 s. */
  readonly proxyTimeoutMs?: number;
  /**
   * With auth on: the CA the masters' certificates chain to (PEM). Masters then serve
   * HTTPS, and requests are forwarded to the leader over HTTPS trusting only it.
   */
  readonly leaderCa?: string | undefined;
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * How every master answers when several contend: /health and /ping always here;
 * /master/redirect 307 to the leader (from the leader too); on a master that does not
 * lead, the Mesos APIs and state endpoints 307 to the leader (503 "No leader elected"
 * while none is) and /service/<plugin>/... forwarded to it, with Marathon's
 * X-Marathon-Leader and Via loop detection. Registered at the root: its hook sees every
 * request before any route does.
 *
 * @example
 * app.register(followerRoutes({ leadership: electionLeadership(contender, detector, info), self: info }));
 */
export function followerRoutes(options: FollowerRoutesOptions) {
  const { leadership, self } = options;
  const selfHostPort = masterHostPort(self);
  const via = `1.1 ${selfHostPort}`;
  const proxyTimeoutMs = options.proxyTimeoutMs ?? 60_000;
  const { leaderCa } = options;
  const scheme = leaderCa === undefined ? 'http' : 'https';

  // The leader another master names, never this one: a master that has just stepped
  // down may still be named by ZooKeeper for a moment.
  const otherLeader = (): string | undefined => {
    const leader = leadership.leader();
    if (!leader) return undefined;
    const hostPort = masterHostPort(leader);
    return hostPort === selfHostPort && !leadership.isLeader() ? undefined : hostPort;
  };

  const noLeader = (reply: FastifyReply) => reply.code(503).type(TEXT).send(NO_LEADER_MESSAGE);

  async function routes(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', (request, reply, done) => {
      const action = followerAction(request.url, request.method);
      if (action === 'local') return done();
      if (leadership.isLeader()) {
        if (action === 'proxy') reply.header('x-marathon-leader', `${scheme}://${selfHostPort}`);
        return done();
      }
      if (action === 'redirect') {
        const leader = otherLeader();
        if (leader === undefined) noLeader(reply);
        else reply.code(307).header('location', `//${leader}${request.url}`).send();
        return;
      }
      // A request that already passed through this master is answered here, once,
      // instead of going round again.
      if (hasVisited(request.headers, via)) {
        reply.code(502).type(TEXT).send(PROXY_LOOP_MESSAGE);
        return;
      }
      const leader = otherLeader();
      if (leader === undefined) {
        reply.code(503).send({ message: NO_LEADER_FOR_PROXY_MESSAGE });
        return;
      }
      reply.header('x-marathon-leader', `${scheme}://${leader}`);
      forwardToLeader(request, reply, {
        leader,
        via,
        timeoutMs: proxyTimeoutMs,
        ...(leaderCa === undefined ? {} : { ca: leaderCa }),
      });
    });

    for (const path of ['/master/redirect', '/redirect']) {
      // Mesos redirects to the leader's root from here, never to this path again.
      app.get(path, async (_request, reply) => {
        const leader = leadership.isLeader() ? selfHostPort : otherLeader();
        if (leader === undefined) return noLeader(reply);
        return reply.code(307).header('location', `//${leader}`).send();
      });
      // Anything below it would redirect to itself on the leader: Mesos answers 404.
      app.get(`${path}/*`, async (_request, reply) => reply.code(404).send());
    }

    app.get('/ping', async (_request, reply) =>
      reply.header('cache-control', 'must-revalidate,no-cache,no-store').type(TEXT).send('pong'),
    );
  }
  // Like fastify-plugin: the hook must apply to the routes of the whole server, not
  // to an encapsulated scope of its own.
  Object.defineProperty(routes, Symbol.for('skip-override'), { value: true });
  return routes;
}
