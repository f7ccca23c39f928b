import type { FastifyInstance } from 'fastify';

/**
 * curl scripts and several Marathon and Chronos clients send
 * `Content-Type: application/json` with no body on PUT, POST and DELETE. fastify's
 * default parser answers 400 to that; the reference systems accept it, so an empty
 * body parses as `undefined` and each route's schema decides whether a body is needed.
 */
export function registerLenientJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: app.initialConfig.bodyLimit ?? 1_048_576 },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        done(null, undefined);
        return;
      }
      try {
        done(null, JSON.parse(text));
      } catch (err) {
        const error = err as Error & { statusCode?: number };
        error.statusCode = 400;
        done(error, undefined);
      }
    },
  );
}
