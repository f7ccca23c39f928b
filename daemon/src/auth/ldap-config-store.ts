import { readFile } from 'node:fs/promises';
import type { Store } from '../store/store.js';
import { CredentialsFileError } from './errors.js';
import { type LdapConfig, parseLdapConfig } from './ldap-config.js';

const KEY = 'ldap/config';

/** Where the current LDAP configuration is: what the login path reads and the API writes. */
export interface LdapConfigProvider {
  get(): Promise<LdapConfig | undefined>;
}

/**
 * The LDAP configuration, persisted in the daemon's store (`auth` namespace) so a PUT
 * survives restarts, as DC/OS keeps it in its IAM database.
 */
export class LdapConfigStore implements LdapConfigProvider {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(): Promise<LdapConfig | undefined> {
    const value = await this.#store.get(KEY);
    return value === undefined ? undefined : parseLdapConfig(value);
  }

  async put(config: LdapConfig): Promise<void> {
    await this.#store.put(KEY, config);
  }

  /** Whether there was a configuration to remove. */
  async delete(): Promise<boolean> {
    const existed = (await this.#store.get(KEY)) !== undefined;
    if (existed) await this.#store.del(KEY);
    return existed;
  }
}

/** Reads `mesolite up --ldap-config FILE.json`, validated like a PUT. */
export async function readLdapConfigFile(path: string): Promise<LdapConfig> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new CredentialsFileError(path, (err as Error).message);
  }
  try {
    return parseLdapConfig(parsed);
  } catch (err) {
    throw new CredentialsFileError(path, (err as Error).message);
  }
}
