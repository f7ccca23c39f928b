import type { FastifyReply, FastifyRequest } from 'fastify';
import { MesoliteError } from '../../errors.js';

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
