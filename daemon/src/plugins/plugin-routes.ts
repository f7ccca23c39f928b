/**
 * The daemon's HTTP face of the plugins: /service/<name>/... proxied to the plugin's
 * own scope (bodies and event streams passed through untouched), and the plugin
 * management API the CLI and the UI use.
 */
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MesoliteError } from '../errors.js';
import { UnsafePluginPackageError } from './package-errors.js';
import type { PluginHost } from './plugin-host.js';
import type { PluginInstaller } from './plugin-installer.js';

/** The media types a packed plugin (`mesolite plugin pack`'s .tgz) is uploaded as. */
const PACKAGE_TYPES = ['application/gzip', 'application/x-gzip', 'application/octet-stream'];
const PACKAGE_BODY_LIMIT = 64 * 1024 * 1024;

function sendError(err: unknown, reply: FastifyReply): FastifyReply {
  if (!(err instanceof MesoliteError)) throw err;
  reply.code(err.statusCode).send({ code: err.code, message: err.message });
  return reply;
}

export function pluginRoutes(host: PluginHost, installer?: PluginInstaller) {
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
          return sendError(err, reply);
        }
      });
    }
    if (!installer) return;

    // Installing, upgrading and removing at run time; the auth hook makes these admin-only.
    await app.register(async (packages) => {
      packages.addContentTypeParser(
        PACKAGE_TYPES,
        { parseAs: 'buffer', bodyLimit: PACKAGE_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      const upload = (request: FastifyRequest): Buffer => {
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new UnsafePluginPackageError(
            `the request must carry the .tgz as its body, with Content-Type ${PACKAGE_TYPES[0]}`,
          );
        }
        return request.body;
      };
      packages.post(
        '/mesolite/v1/plugins',
        { bodyLimit: PACKAGE_BODY_LIMIT },
        async (request, reply) => {
          try {
            const info = await installer.install(upload(request));
            reply.code(201).send(info);
            return reply;
          } catch (err) {
            return sendError(err, reply);
          }
        },
      );
      packages.put(
        '/mesolite/v1/plugins/:name',
        { bodyLimit: PACKAGE_BODY_LIMIT },
        async (request, reply) => {
          const { name } = request.params as { name: string };
          try {
            return await installer.upgrade(name, upload(request));
          } catch (err) {
            return sendError(err, reply);
          }
        },
      );
      packages.delete('/mesolite/v1/plugins/:name', async (request, reply) => {
        const { name } = request.params as { name: string };
        try {
          await installer.remove(name);
          reply.code(204).send();
          return reply;
        } catch (err) {
          return sendError(err, reply);
        }
      });
    });
  };
}
