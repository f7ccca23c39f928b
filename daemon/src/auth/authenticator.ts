import type { FrameworkPrincipals } from './framework-principals.js';
import type { Identity } from './identity.js';
import type { LdapConfigProvider } from './ldap-config-store.js';
import { authenticateWithLdap } from './ldap-directory.js';
import type { RequestCredentials } from './request-credentials.js';
import type { TokenSigner } from './token-signer.js';
import type { LocalUserStore } from './user-store.js';

export type UserIdentity = Extract<Identity, { kind: 'user' }>;

export interface AuthenticatorOptions {
  readonly users: LocalUserStore;
  readonly signer: TokenSigner;
  readonly ldap?: LdapConfigProvider | undefined;
  readonly frameworks?: FrameworkPrincipals | undefined;
}

/**
 * Turns credentials into an identity. A name that is a local user is checked locally
 * only, so a directory that is down or has a user of the same name cannot lock out or
 * impersonate a local admin; any other name goes to the LDAP directory when one is
 * configured.
 */
export class Authenticator {
  readonly #options: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  get signer(): TokenSigner {
    return this.#options.signer;
  }

  /**
   * The user `uid` if `password` is theirs, undefined if not. Throws LdapNoRoleError
   * for a directory user in no mapped group, LdapUnavailableError when the directory
   * is down.
   */
  async login(uid: string, password: string): Promise<UserIdentity | undefined> {
    const { users, ldap } = this.#options;
    if (await users.get(uid)) {
      const user = await users.authenticate(uid, password);
      return user && { kind: 'user', uid: user.uid, role: user.role, provider: 'local' };
    }
    const config = await ldap?.get();
    if (config === undefined) return users.authenticate(uid, password).then(() => undefined);
    const found = await authenticateWithLdap(config, uid, password);
    return found && { kind: 'user', uid: found.uid, role: found.role, provider: 'ldap' };
  }

  /** Who the credentials belong to; framework principals are tried before users for Basic. */
  async identify(credentials: RequestCredentials): Promise<Identity | undefined> {
    if (credentials.type === 'token') {
      const claimed = await this.#options.signer.verify(credentials.token);
      if (claimed?.kind !== 'user' || claimed.provider !== 'local') return claimed;
      // A local user's token dies with the user, and carries their current role.
      const user = await this.#options.users.get(claimed.uid);
      return user && { ...claimed, role: user.role };
    }
    const frameworks = this.#options.frameworks;
    if (frameworks?.has(credentials.user)) {
      return frameworks.check(credentials.user, credentials.password)
        ? { kind: 'framework', principal: credentials.user }
        : undefined;
    }
    return this.login(credentials.user, credentials.password);
  }
}
