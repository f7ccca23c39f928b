import type { FastifyInstance } from 'fastify';
import { formatJoinToken } from './join-token.js';
import type { JoinTokenSource } from './join-token-source.js';

export const JOIN_TOKEN_PATH = '/mesolite/v1/join-token';
/** A write: on a highly available master that does not lead, it is forwarded to the leader. */
export const JOIN_TOKEN_ROTATE_PATH = `${JOIN_TOKEN_PATH}/rotate`;

/** `mesolite token show|rotate --master URL`: the join token, for admins only. */
export function joinTokenRoutes(tokens: JoinTokenSource) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(JOIN_TOKEN_PATH, async () => ({
      token: formatJoinToken(await tokens.current()),
    }));
    app.post(JOIN_TOKEN_ROTATE_PATH, async () => ({
      token: formatJoinToken(await tokens.rotate()),
    }));
  };
}
