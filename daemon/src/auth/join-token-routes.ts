import type { FastifyInstance } from 'fastify';
import { formatJoinToken } from './join-token.js';
import { readJoinToken, rotateJoinToken } from './join-token-file.js';

export const JOIN_TOKEN_PATH = '/mesolite/v1/join-token';

/** `mesolite token show|rotate --master URL`: the join token, for admins only. */
export function joinTokenRoutes(workDir: string) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(JOIN_TOKEN_PATH, async () => ({
      token: formatJoinToken(await readJoinToken(workDir)),
    }));
    app.post(`${JOIN_TOKEN_PATH}/rotate`, async () => ({
      token: formatJoinToken(await rotateJoinToken(workDir)),
    }));
  };
}
