import type { FastifyInstance } from 'fastify';
import type { MasterInfo } from '../protocol/mesos.js';
import type { Leadership } from './leadership.js';
import { MASTERS_PATH, MastersView, mastersView } from './masters-view.js';

export interface MastersRoutesOptions {
  readonly leadership: Leadership;
  readonly self: MasterInfo;
  /** The masters present in the election, in election order. */
  readonly members: () => readonly MasterInfo[];
  readonly quorum: number;
  /** When this master was elected (ms), as its /master/state says once its core runs. */
  readonly electedAt?: () => number | undefined;
}

/**
 * `GET /mesolite/v1/masters`, answered by every master, leading or not (followerAction
 * leaves it local). Any origin may read it: a page whose master died asks the other
 * masters it knew which one leads now, and it holds nothing /master/redirect does not
 * already tell.
 */
export function mastersRoutes(options: MastersRoutesOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(
      MASTERS_PATH,
      { schema: { response: { 200: MastersView } } },
      async (_request, reply) => {
        const { leadership, self } = options;
        reply
          .header('access-control-allow-origin', '*')
          .header('cache-control', 'no-cache, no-store');
        return mastersView({
          self,
          leading: leadership.isLeader(),
          leader: leadership.leader(),
          electedAt: options.electedAt?.() ?? leadership.electedAt(),
          members: options.members(),
          quorum: options.quorum,
        });
      },
    );
  };
}
