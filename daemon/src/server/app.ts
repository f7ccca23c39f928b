import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyHttpOptions,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { MesoliteError } from '../errors.js';
import { registerLenientJsonParser } from './empty-json-parser.js';
import { healthRoutes } from './health-routes.js';

export interface ServerOptions {
  logger: Logger;
  /** Serve HTTPS with this certificate (chain) and key, PEM. */
  https?: { readonly cert: string; readonly key: string } | undefined;
}

export type MesoliteServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * A fastify instance with the conventions every mesolite HTTP surface shares (the
 * daemon's and each plugin's): lenient JSON bodies, doubled slashes, coded errors.
 */
export function createHttpApp(options: ServerOptions): MesoliteServer {
  const config: FastifyHttpOptions<RawServerDefault> = {
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // Clients join paths as strings (`/v2/apps//group/app`); Marathon treats the
    // doubled slash as one, and so do we.
    routerOptions: { ignoreDuplicateSlashes: true },
    forceCloseConnections: true,
  };
  // With `https`, fastify makes an https.Server; everything the daemon does with the raw
  // server (listen, address, socket.io) is the same for both, so one instance type serves.
  const withTls = options.https === undefined ? config : { ...config, https: options.https };
  const app = Fastify(withTls as typeof config).withTypeProvider<TypeBoxTypeProvider>();

  registerLenientJsonParser(app);

  app.setErrorHandler((error: Error, request, reply) => {
    if (error instanceof MesoliteError) {
      reply.code(error.statusCode).send({ code: error.code, message: error.message });
      return;
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply.code(status).send({ message: error.message });
  });
  return app;
}

/**
 * Builds the daemon's fastify app: one instance whose features are registered as
 * encapsulated plugins. Listening is left to the caller so tests can `inject`.
 */
export function buildServer(options: ServerOptions): MesoliteServer {
  const app = createHttpApp(options);
  app.register(healthRoutes);
  return app;
}
