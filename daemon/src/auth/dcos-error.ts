import type { FastifyReply } from 'fastify';

/** The error body of DC/OS's IAM: `{"title", "description", "code"}`. */
export interface DcosErrorBody {
  readonly title: string;
  readonly description: string;
  readonly code: string;
}

export const ERR_INVALID_CREDENTIALS = 'ERR_INVALID_CREDENTIALS';
export const ERR_INVALID_DATA = 'ERR_INVALID_DATA';
export const ERR_FORBIDDEN = 'ERR_FORBIDDEN';

/**
 * The challenge of a 401. Browsers' fetch shows a native password dialog on a Basic
 * challenge, so Basic is offered only to clients that sent Basic (Mesos and Marathon
 * clients); everyone else gets DC/OS's `acsjwt`, which points them at the login API.
 */
export function challengeFor(authorization: string | undefined): string {
  return /^\s*basic\b/i.test(authorization ?? '') ? 'Basic realm="mesolite"' : 'acsjwt';
}

export function sendDcosError(
  reply: FastifyReply,
  status: number,
  body: DcosErrorBody,
): FastifyReply {
  if (status === 401)
    reply.header('WWW-Authenticate', challengeFor(reply.request.headers.authorization));
  return reply.code(status).type('application/json').send(body);
}
