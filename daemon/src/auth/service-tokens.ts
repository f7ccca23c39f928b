import type { Role } from './roles.js';
import type { SignedToken, TokenSigner } from './token-signer.js';

/** How long a service account's token lives: short, since its holder renews it. */
export const SERVICE_TOKEN_LIFETIME_SECONDS = 15 * 60;

/**
 * Tokens of the daemon's own service accounts (`plugin:<name>`), as DC/OS issues one to
 * each service it runs. Each is reused until a third of its life is left, then replaced
 * on the next request, so nothing has to be timed and a token in flight never expires
 * mid-request.
 */
export class ServiceTokens {
  readonly #signer: TokenSigner;
  readonly #now: () => Date;
  readonly #lifetimeSeconds: number;
  readonly #issued = new Map<string, Promise<SignedToken>>();

  constructor(signer: TokenSigner, options: { now?: () => Date; lifetimeSeconds?: number } = {}) {
    this.#signer = signer;
    this.#now = options.now ?? (() => new Date());
    this.#lifetimeSeconds = options.lifetimeSeconds ?? SERVICE_TOKEN_LIFETIME_SECONDS;
  }

  async token(principal: string, role: Role): Promise<string> {
    const key = `${role}\0${principal}`;
    const current = await this.#issued.get(key)?.catch(() => undefined);
    const renewAt = (current?.expiresAt.getTime() ?? 0) - (this.#lifetimeSeconds * 1000) / 3;
    if (current !== undefined && this.#now().getTime() < renewAt) return current.token;
    const next = this.#signer.signService(principal, role, this.#lifetimeSeconds);
    this.#issued.set(key, next);
    return (await next).token;
  }
}
