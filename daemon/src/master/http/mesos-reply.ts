import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MesoliteError } from '../../errors.js';
import type { Validator } from '../../protocol/validate.js';
import { BadCallError } from '../errors.js';

/**
 * Mesos answers API errors with a plain-text body and the status alone; clients
 * print that text, so it must read well on its own.
 */
export function sendMesosError(reply: FastifyReply, err: unknown): void {
  if (err instanceof MesoliteError) {
    reply.code(err.statusCode).type('text/plain; charset=utf-8').send(err.message);
    return;
  }
  throw err;
}

/** Mesos's v1 APIs take JSON; protobuf is the other encoding, which mesolite does not speak. */
export function acceptsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  if (!accept) return true;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase())
    .some((type) => type === 'application/json' || type === '*/*' || type === 'application/*');
}

export const STREAM_ID_HEADER = 'mesos-stream-id';

/** Mesos's v1 endpoints take POST only: anything else is 405 with `Allow: POST`. */
export function postOnly(app: FastifyInstance, url: string): void {
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url,
    handler: async (_request, reply) => {
      reply.code(405).header('allow', 'POST').type('text/plain').send('Expecting a POST request');
    },
  });
}

/**
 * The checks every v1 call passes before the master sees it: JSON accepted, a body,
 * and the schema. Answers 406 itself and returns undefined; throws a 400 otherwise.
 */
export function readCall<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  calls: Validator<T>,
): T | undefined {
  if (!acceptsJson(request)) {
    reply.code(406).type('text/plain').send("Expecting 'Accept' to allow application/json");
    return undefined;
  }
  if (request.body === undefined) throw new BadCallError('Expecting a request body');
  return calls.parse(request.body);
}
