import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { MesoliteError } from '../errors.js';
import {
  type AccessRequest,
  decideAccess,
  isOperatorApi,
  isOperatorReadCall,
} from './access-policy.js';
import type { Authenticator } from './authenticator.js';
import { ERR_FORBIDDEN, ERR_INVALID_CREDENTIALS, sendDcosError } from './dcos-error.js';
import type { Identity } from './identity.js';
import { joinTokenRoutes } from './join-token-routes.js';
import type { JoinTokenSource } from './join-token-source.js';
import type { LdapConfigStore } from './ldap-config-store.js';
import { ldapRoutes } from './ldap-routes.js';
import { loginRoutes } from './login-routes.js';
import { readCredentials } from './request-credentials.js';
import { userRoutes } from './user-routes.js';
import type { LocalUserStore } from './user-store.js';

export interface AuthPluginOptions {
  /** Off (the loopback default): every request passes unchanged and has no identity. */
  readonly enabled: boolean;
  readonly authenticator: Authenticator;
  readonly users: LocalUserStore;
  readonly ldap: LdapConfigStore;
  /** The master's join token, served to admins; omit on agents. */
  readonly joinTokens?: JoinTokenSource | undefined;
  /** Further paths anyone may read, e.g. the UI's login page and its assets. */
  readonly isPublic?: ((request: AccessRequest) => boolean) | undefined;
  readonly now?: (() => Date) | undefined;
}

const identities = new WeakMap<FastifyRequest, Identity>();
/** Operator API calls whose verdict waits for the body, which names the call. */
const awaitingCall = new WeakSet<FastifyRequest>();

/** Who made the request, once the auth plugin checked it; undefined with auth off. */
export function requestIdentity(request: FastifyRequest): Identity | undefined {
  return identities.get(request);
}

/** The outcome of checking a request's credentials, without touching the reply. */
export type CredentialCheck =
  | { readonly ok: true; readonly identity: Identity | undefined }
  | {
      readonly ok: false;
      readonly status: number;
      readonly code: string;
      readonly message: string;
    };

/** Checks headers as an HTTP request or a socket.io handshake carries them. */
export async function checkCredentials(
  authenticator: Authenticator,
  headers: { authorization?: string | undefined; cookie?: string | undefined },
): Promise<CredentialCheck> {
  const credentials = readCredentials(headers);
  if (credentials === undefined) return { ok: true, identity: undefined };
  try {
    const identity = await authenticator.identify(credentials);
    if (identity !== undefined) return { ok: true, identity };
    return {
      ok: false,
      status: 401,
      code: ERR_INVALID_CREDENTIALS,
      message:
        credentials.type === 'token'
          ? 'The token is not valid or has expired. Log in again: POST /acs/api/v1/auth/login.'
          : 'The user name or password is wrong.',
    };
  } catch (err) {
    if (err instanceof MesoliteError) {
      return { ok: false, status: err.statusCode, code: err.code, message: err.message };
    }
    throw err;
  }
}

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app: FastifyInstance, options) => {
  const now = options.now ?? (() => new Date());
  if (options.enabled) {
    app.addHook('onRequest', async (request, reply) => {
      const check = await checkCredentials(options.authenticator, request.headers);
      const path = request.url.split('?')[0] ?? '/';
      const access: AccessRequest = { method: request.method, path };
      if (!check.ok) {
        // A bad credential on a public path (a stale cookie on the login page) is no credential.
        if (decideAccess(access, undefined, options.isPublic).verdict === 'allow') return;
        return sendDcosError(reply, check.status, {
          title:
            check.status === 401
              ? 'Invalid credentials'
              : check.status === 403
                ? 'Forbidden'
                : 'Unavailable',
          description: check.message,
          code: check.code,
        });
      }
      if (check.identity) identities.set(request, check.identity);
      const decision = decideAccess(access, check.identity, options.isPublic);
      if (decision.verdict === 'unauthenticated') {
        return sendDcosError(reply, 401, {
          title: 'Authentication required',
          description:
            'This cluster requires a login: POST /acs/api/v1/auth/login {"uid", "password"} and send ' +
            'the token as `Authorization: token=<token>`, or use HTTP Basic.',
          code: ERR_INVALID_CREDENTIALS,
        });
      }
      if (decision.verdict === 'forbidden') {
        // A viewer may POST GET_STATE to the operator API: the body decides, once parsed.
        if (request.method === 'POST' && isOperatorApi(path)) {
          awaitingCall.add(request);
          return;
        }
        return sendForbidden(reply, decision.reason);
      }
    });
    app.addHook('preHandler', async (request, reply) => {
      if (!awaitingCall.has(request)) return;
      const path = request.url.split('?')[0] ?? '/';
      const type = (request.body as { type?: unknown } | undefined)?.type;
      const access = { method: request.method, path, operatorRead: isOperatorReadCall(type) };
      const decision = decideAccess(access, identities.get(request), options.isPublic);
      if (decision.verdict !== 'allow') {
        return sendForbidden(
          reply,
          decision.verdict === 'forbidden' ? decision.reason : 'Authentication required.',
        );
      }
    });
  }
  await app.register(loginRoutes(options.authenticator, now));
  await app.register(userRoutes(options.users));
  await app.register(ldapRoutes(options.ldap));
  if (options.joinTokens !== undefined) await app.register(joinTokenRoutes(options.joinTokens));
};

function sendForbidden(reply: FastifyReply, reason: string) {
  return sendDcosError(reply, 403, {
    title: 'Forbidden',
    description: reason,
    code: ERR_FORBIDDEN,
  });
}

/**
 * Login, users, LDAP configuration and the check of every request's credentials.
 * Registered on the root instance; it opts out of encapsulation (as fastify-plugin
 * does) so its onRequest hook guards every route, including plugins' /service/ scopes.
 */
export const authPlugin: FastifyPluginAsync<AuthPluginOptions> = Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'mesolite-auth',
});
