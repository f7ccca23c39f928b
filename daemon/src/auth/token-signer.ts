import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import type { Store } from '../store/store.js';
import type { Identity, RequestScope } from './identity.js';
import { type Role, RoleSchema } from './roles.js';

/** DC/OS's default token lifetime. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 5 * 24 * 60 * 60;
/** The key, in the `auth` namespace, of the secret tokens are signed with: 32 random bytes, base64. */
export const SIGNING_KEY = 'signing-key';
const ISSUER = 'mesolite';

/**
 * The claims of each kind of token, told apart by `provider`: a user's login, a
 * service account's, or a credential scoped to one request. A token of one kind can
 * never pass for another, since each provider value belongs to exactly one shape.
 */
const ClaimsSchema = Type.Union([
  Type.Object({
    uid: Type.String(),
    role: RoleSchema,
    provider: Type.Union([Type.Literal('local'), Type.Literal('ldap')]),
  }),
  Type.Object({ uid: Type.String(), role: RoleSchema, provider: Type.Literal('service') }),
  Type.Object({
    uid: Type.String(),
    provider: Type.Literal('scoped'),
    scope: Type.Object({ method: Type.String(), path: Type.String({ minLength: 1 }) }),
  }),
]);
const claims = validator(ClaimsSchema, 'token claims');

export interface SignedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Issues and checks tokens (logins, service accounts, scoped ones): HS256 JWTs with
 * DC/OS's `uid` and `exp` claims, as DC/OS's own IAM signs them with a cluster secret.
 * The secret lives in the store, so tokens outlive a restart and every master of an HA
 * cluster accepts them.
 */
export class TokenSigner {
  readonly #key: Uint8Array;
  readonly #now: () => Date;

  private constructor(key: Uint8Array, now: () => Date) {
    this.#key = key;
    this.#now = now;
  }

  /** The signer for `store` (the `auth` namespace), creating its secret on first use. */
  static async open(store: Store, now: () => Date = () => new Date()): Promise<TokenSigner> {
    let encoded = await store.get(SIGNING_KEY);
    if (typeof encoded !== 'string') {
      encoded = randomBytes(32).toString('base64');
      await store.put(SIGNING_KEY, encoded);
    }
    return new TokenSigner(Buffer.from(encoded, 'base64'), now);
  }

  /** A user's login token, DC/OS's five days unless told otherwise. */
  sign(
    user: Extract<Identity, { kind: 'user' }>,
    lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS,
  ): Promise<SignedToken> {
    return this.#sign({ uid: user.uid, role: user.role, provider: user.provider }, lifetimeSeconds);
  }

  /** A service account's token, such as `plugin:marathon`'s: short-lived, renewed by its holder. */
  signService(principal: string, role: Role, lifetimeSeconds: number): Promise<SignedToken> {
    return this.#sign({ uid: principal, role, provider: 'service' }, lifetimeSeconds);
  }

  /** A token good for `scope` only (one method on one path), issued on behalf of `principal`. */
  signScoped(
    principal: string,
    scope: RequestScope,
    lifetimeSeconds: number,
  ): Promise<SignedToken> {
    const claimed = { method: scope.method.toUpperCase(), path: scope.path };
    return this.#sign({ uid: principal, provider: 'scoped', scope: claimed }, lifetimeSeconds);
  }

  async #sign(payload: Record<string, unknown>, lifetimeSeconds: number): Promise<SignedToken> {
    const issuedAt = Math.floor(this.#now().getTime() / 1000);
    const expiresAt = issuedAt + Math.max(1, Math.ceil(lifetimeSeconds));
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.#key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** Who a token was issued to, or undefined when it is forged, altered or expired. */
  async verify(token: string): Promise<Identity | undefined> {
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: this.#now(),
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError) return undefined;
      throw err;
    }
    if (!claims.check(payload)) return undefined;
    switch (payload.provider) {
      case 'service':
        return { kind: 'service', principal: payload.uid, role: payload.role };
      case 'scoped':
        return { kind: 'scoped', principal: payload.uid, scope: payload.scope };
      default:
        return { kind: 'user', uid: payload.uid, role: payload.role, provider: payload.provider };
    }
  }
}
