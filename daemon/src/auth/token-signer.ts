import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import type { Store } from '../store/store.js';
import type { Identity } from './identity.js';
import { RoleSchema } from './roles.js';

/** DC/OS's default token lifetime. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 5 * 24 * 60 * 60;
const SIGNING_KEY = 'signing-key';
const ISSUER = 'mesolite';

const ClaimsSchema = Type.Object({
  uid: Type.String(),
  role: RoleSchema,
  provider: Type.Union([Type.Literal('local'), Type.Literal('ldap')]),
});
const claims = validator(ClaimsSchema, 'token claims');

export interface SignedToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Issues and checks login tokens: HS256 JWTs with DC/OS's `uid` and `exp` claims, as
 * DC/OS's own IAM signs them with a cluster secret. The secret lives in the store, so
 * tokens outlive a restart and every master of an HA cluster accepts them.
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

  async sign(
    user: Extract<Identity, { kind: 'user' }>,
    lifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS,
  ): Promise<SignedToken> {
    const issuedAt = Math.floor(this.#now().getTime() / 1000);
    const expiresAt = issuedAt + lifetimeSeconds;
    const token = await new SignJWT({ uid: user.uid, role: user.role, provider: user.provider })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .sign(this.#key);
    return { token, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The user a token was issued to, or undefined when it is forged, altered or expired. */
  async verify(token: string): Promise<Extract<Identity, { kind: 'user' }> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: this.#now(),
        requiredClaims: ['exp'],
      });
      if (!claims.check(payload)) return undefined;
      return { kind: 'user', uid: payload.uid, role: payload.role, provider: payload.provider };
    } catch (err) {
      if (err instanceof errors.JOSEError) return undefined;
      throw err;
    }
  }
}
