import type { FastifyInstance } from 'fastify';

/**
 * `/health` answers 200 with an empty body while the process serves requests, as
 * Mesos's /health and /master/health do. It never needs credentials, so load
 * balancers and supervisors can probe it.
 */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  for (const path of ['/health', '/master/health']) {
    app.get(path, async (_request, reply) => {
      reply.code(200).header('cache-control', 'no-cache').send();
    });
  }
}
