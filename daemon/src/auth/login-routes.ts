import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { MesoliteError } from '../errors.js';
import { validator } from '../protocol/validate.js';
import type { Authenticator } from './authenticator.js';
import { ERR_INVALID_CREDENTIALS, ERR_INVALID_DATA, sendDcosError } from './dcos-error.js';
import { AUTH_COOKIE, INFO_COOKIE } from './request-credentials.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS } from './token-signer.js';

/** DC/OS's login body; `exp` is the wanted expiry in seconds since the epoch (0: default). */
const LoginBodySchema = Type.Object({
  uid: Type.String({ minLength: 1 }),
  password: Type.String(),
  exp: Type.Optional(Type.Integer({ minimum: 0 })),
});
const loginBody = validator(LoginBodySchema, 'the login request');

export const LOGIN_PATH = '/acs/api/v1/auth/login';
export const LOGOUT_PATH = '/acs/api/v1/auth/logout';

/**
 * POST /acs/api/v1/auth/login as DC/OS answers it: `{"token"}` and the token again in
 * the dcos-acs-auth-cookie, beside the readable dcos-acs-info-cookie a UI shows the user
 * from. POST /acs/api/v1/auth/logout (mesolite's) clears both, which a page cannot do
 * itself since the auth cookie is HttpOnly.
 */
export function loginRoutes(authenticator: Authenticator, now: () => Date) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post(LOGIN_PATH, async (request, reply) => {
      if (!loginBody.check(request.body)) {
        return sendDcosError(reply, 400, {
          title: 'Bad request',
          description: 'The login request needs a JSON body {"uid": "...", "password": "..."}.',
          code: ERR_INVALID_DATA,
        });
      }
      const body = request.body;
      let user: Awaited<ReturnType<Authenticator['login']>>;
      try {
        user = await authenticator.login(body.uid, body.password);
      } catch (err) {
        if (err instanceof MesoliteError) {
          return sendDcosError(reply, err.statusCode, {
            title: err.statusCode === 403 ? 'Forbidden' : 'Login failed',
            description: err.message,
            code: err.code,
          });
        }
        throw err;
      }
      if (user === undefined) {
        return sendDcosError(reply, 401, {
          title: 'Invalid credentials',
          description: 'The uid or the password is wrong.',
          code: ERR_INVALID_CREDENTIALS,
        });
      }
      const nowSeconds = Math.floor(now().getTime() / 1000);
      const lifetime =
        body.exp !== undefined && body.exp > nowSeconds
          ? Math.min(body.exp - nowSeconds, DEFAULT_TOKEN_LIFETIME_SECONDS)
          : DEFAULT_TOKEN_LIFETIME_SECONDS;
      const signed = await authenticator.signer.sign(user, lifetime);
      const info = Buffer.from(
        JSON.stringify({
          uid: user.uid,
          description: user.uid,
          is_remote: user.provider === 'ldap',
          role: user.role,
        }),
      ).toString('base64');
      setCookie(reply, request, AUTH_COOKIE, signed.token, signed.expiresAt, true);
      setCookie(reply, request, INFO_COOKIE, info, signed.expiresAt, false);
      return reply.code(200).send({ token: signed.token });
    });

    app.post(LOGOUT_PATH, async (request, reply) => {
      setCookie(reply, request, AUTH_COOKIE, '', new Date(0), true);
      setCookie(reply, request, INFO_COOKIE, '', new Date(0), false);
      return reply.code(204).send();
    });
  };
}

function setCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  name: string,
  value: string,
  expires: Date,
  httpOnly: boolean,
): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Expires=${expires.toUTCString()}`,
    'SameSite=Strict',
    ...(httpOnly ? ['HttpOnly'] : []),
    ...(request.protocol === 'https' ? ['Secure'] : []),
  ];
  // fastify appends to set-cookie rather than replacing it.
  reply.header('set-cookie', attributes.join('; '));
}
