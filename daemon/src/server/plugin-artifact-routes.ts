/**
 * Plugin artifacts as the master serves them to agents' fetchers (plugin-artifacts.ts):
 *
 *   GET /mesolite/v1/plugins/:name/artifacts/:sha256/:file
 *
 * The content never changes under a URI, so it is cacheable for good and its ETag is its
 * hash. With auth on, the auth hook lets these paths through (public-paths.ts) and this
 * route decides: a logged-in user or framework may read it as any other API, and an
 * agent presents its join token (`Authorization: JoinToken <token>`), which is accepted
 * here and nowhere else, as k3s's supervisor accepts its agents' token.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { presentedJoinToken } from '../auth/agent-credential.js';
import { requestIdentity } from '../auth/auth-plugin.js';
import { ERR_INVALID_CREDENTIALS, sendDcosError } from '../auth/dcos-error.js';
import { JoinTokenRejectedError } from '../auth/errors.js';
import { MesoliteError } from '../errors.js';
import type { AgentAdmission } from '../master/agent-channel.js';
import { UnknownArtifactError } from '../plugins/artifact-errors.js';
import type { ArtifactRegistry } from '../plugins/plugin-artifacts.js';

export const PLUGIN_ARTIFACT_ROUTE = '/mesolite/v1/plugins/:name/artifacts/:sha256/:file';
const ARTIFACT_PATH = /^\/mesolite\/v1\/plugins\/[^/]+\/artifacts\/[^/]+\/[^/]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Whether a path is an artifact download, which checks its credentials itself. */
export function isPluginArtifactPath(path: string): boolean {
  return ARTIFACT_PATH.test(path);
}

export interface PluginArtifactRoutesOptions {
  readonly registry: ArtifactRegistry;
  /** Auth on: a download needs a user's credential or the agents' join token. */
  readonly secured: boolean;
  /** Checks a join token as the agent channel does; absent when auth is off. */
  readonly admitAgent: AgentAdmission | undefined;
}

async function agentAdmitted(
  request: FastifyRequest,
  admit: AgentAdmission | undefined,
): Promise<boolean> {
  const token = presentedJoinToken(request.headers.authorization);
  if (token === undefined || admit === undefined) return false;
  try {
    await admit(token);
    return true;
  } catch (err) {
    if (err instanceof JoinTokenRejectedError) return false;
    throw err;
  }
}

function refuse(reply: FastifyReply): FastifyReply {
  return sendDcosError(reply, 401, {
    title: 'Authentication required',
    description:
      "Plugin artifacts are served to the cluster's agents, which present their join token " +
      '(`Authorization: JoinToken <token>`), and to logged-in users.',
    code: ERR_INVALID_CREDENTIALS,
  });
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const value = tag.trim().replace(/^W\//, '');
    return value === etag || value === '*';
  });
}

export function pluginArtifactRoutes(options: PluginArtifactRoutesOptions) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get(PLUGIN_ARTIFACT_ROUTE, async (request, reply) => {
      if (
        options.secured &&
        requestIdentity(request) === undefined &&
        !(await agentAdmitted(request, options.admitAgent))
      ) {
        return refuse(reply);
      }
      const { name, sha256, file } = request.params as {
        name: string;
        sha256: string;
        file: string;
      };
      try {
        if (!SHA256.test(sha256)) throw new UnknownArtifactError(name, file);
        const served = await options.registry.resolve(name, sha256, file);
        const etag = `"${served.sha256}"`;
        reply
          .header('etag', etag)
          // The URI names the content: it can be kept for good.
          .header('cache-control', 'public, max-age=31536000, immutable')
          .header('x-content-type-options', 'nosniff');
        if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
        return reply
          .type('application/octet-stream')
          .header('content-length', served.size)
          .send(createReadStream(served.path));
      } catch (err) {
        if (!(err instanceof MesoliteError)) throw err;
        return reply.code(err.statusCode).send({ code: err.code, message: err.message });
      }
    });
  };
}
