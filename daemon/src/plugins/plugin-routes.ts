/**
 * The daemon's HTTP face of the plugins: /service/<name>/... proxied to the plugin's
 * own scope (bodies and event streams passed through untouched), and the plugin
 * management API the CLI and the UI use.
 */
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MesoliteError } from '../errors.js';
import type { PluginHost } from './plugin-host.js';

export function pluginRoutes(host: PluginHost) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await app.register(async (proxy) => {
      // The plugin parses bodies itself: pass every request body through as bytes.
      proxy.removeAllContentTypeParsers();
      proxy.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      await proxy.register(replyFrom, { undici: { connections: 64, keepAliveTimeout: 30_000 } });

      const forward = async (request: FastifyRequest, reply: FastifyReply) => {
        const { name } = request.params as { name: string };
        const target = host.target(name);
        if (!target) {
          const status = host.status(name);
          reply.code(status === undefined ? 404 : 503).send({
            message:
              status === undefined
                ? `No plugin named "${name}" is installed`
                : `Plugin "${name}" is ${status}; enable it with \`mesolite plugin enable ${name}\``,
          });
          return reply;
        }
        const prefix = `/service/${name}`;
        const rest = request.url.slice(request.url.indexOf(prefix) + prefix.length) || '/';
        return reply.from(`${target}${rest.startsWith('/') ? rest : `/${rest}`}`, {
          rewriteRequestHeaders: (original, headers) => ({
            ...headers,
            'x-forwarded-prefix': prefix,
            'x-forwarded-for': original.socket.remoteAddress ?? '',
          }),
        });
      };
      proxy.all('/service/:name', forward);
      proxy.all('/service/:name/*', forward);
    });

    app.get('/mesolite/v1/plugins', async () => ({
      plugins: host.list(),
      broken: host.brokenPlugins(),
    }));
    for (const action of ['enable', 'disable'] as const) {
      app.post(`/mesolite/v1/plugins/:name/${action}`, async (request, reply) => {
        const { name } = request.params as { name: string };
        try {
          return await host[action](name);
        } catch (err) {
          if (err instanceof MesoliteError) {
            reply.code(err.statusCode).send({ code: err.code, message: err.message });
            return reply;
          }
          throw err;
        }
      });
    }
  };
}
