import { NoAdminUserError } from './errors.js';
import type { LdapConfigProvider } from './ldap-config-store.js';
import type { LocalUserStore } from './user-store.js';

/**
 * With auth on, someone must be able to log in as an admin: a local admin, or an LDAP
 * configuration that maps some group to admin. Otherwise the daemon refuses to start
 * and says how to create one, rather than serve a cluster nobody can manage.
 */
export async function assertAdminCanLogIn(
  users: LocalUserStore,
  ldap: LdapConfigProvider,
  workDir: string,
): Promise<void> {
  if (await users.hasAdmin()) return;
  const config = await ldap.get();
  if (config && Object.values(config['group-roles'] ?? {}).includes('admin')) return;
  throw new NoAdminUserError(workDir);
}
