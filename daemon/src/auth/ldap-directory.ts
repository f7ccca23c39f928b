import { Client, InvalidCredentialsError, ResultCodeError } from 'ldapts';
import { LdapNoRoleError, LdapUnavailableError } from './errors.js';
import { DEFAULT_MEMBER_ATTRIBUTES, type LdapConfig } from './ldap-config.js';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape.js';
import type { Role } from './roles.js';

export interface DirectoryUser {
  readonly uid: string;
  readonly dn: string;
  readonly role: Role;
  /** The mapped groups the user is in. */
  readonly groups: readonly string[];
}

const TIMEOUT_MS = 10_000;

export function ldapUrl(config: LdapConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `${config['use-ldaps'] ? 'ldaps' : 'ldap'}://${host}:${config.port}`;
}

/**
 * Logs a user in against an LDAP directory as DC/OS does: find the user's DN (from
 * `dntemplate`, or by searching as `lookup-dn`), bind as them with their password, then
 * read which of the "group-roles" groups list them as a member.
 *
 * Resolves undefined for a wrong name or password; throws LdapNoRoleError for a user in
 * no mapped group and LdapUnavailableError when the directory cannot be reached.
 */
export async function authenticateWithLdap(
  config: LdapConfig,
  uid: string,
  password: string,
): Promise<DirectoryUser | undefined> {
  // An empty password is an "unauthenticated bind", which LDAP servers accept for any DN.
  if (uid === '' || password === '') return undefined;
  const url = ldapUrl(config);
  const tlsOptions = config['ca-certs'] ? { ca: config['ca-certs'] } : {};
  const client = new Client({ url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, tlsOptions });
  try {
    if (config['enforce-starttls'] && !config['use-ldaps']) {
      await client.startTLS({ ...tlsOptions, servername: config.host });
    }
    const dn = await findUserDn(client, config, uid);
    if (dn === undefined) return undefined;
    try {
      await client.bind(dn, password);
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return undefined;
      throw err;
    }
    // Group entries are often readable only to the lookup account, not to users.
    if (config['lookup-dn'] !== undefined) {
      await client.bind(config['lookup-dn'], config['lookup-password'] ?? '');
    }
    const groups = await mappedGroupsOf(client, config, uid, dn);
    const roles = groups.map((group) => config['group-roles']?.[group]);
    const role: Role | undefined = roles.includes('admin')
      ? 'admin'
      : roles.includes('viewer')
        ? 'viewer'
        : undefined;
    if (role === undefined) throw new LdapNoRoleError(uid);
    return { uid, dn, role, groups };
  } catch (err) {
    if (err instanceof LdapNoRoleError) throw err;
    if (err instanceof ResultCodeError && !(err instanceof InvalidCredentialsError)) {
      throw new LdapUnavailableError(url, `${err.constructor.name}: ${err.message}`);
    }
    if (err instanceof InvalidCredentialsError) {
      throw new LdapUnavailableError(url, 'the lookup-dn and lookup-password were refused');
    }
    throw new LdapUnavailableError(url, (err as Error).message);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

async function findUserDn(
  client: Client,
  config: LdapConfig,
  uid: string,
): Promise<string | undefined> {
  if (config.dntemplate !== undefined) {
    return fillTemplate(config.dntemplate, 'username', escapeDnValue(uid));
  }
  const search = config['user-search'];
  if (search === undefined) return undefined;
  if (config['lookup-dn'] !== undefined) {
    await client.bind(config['lookup-dn'], config['lookup-password'] ?? '');
  }
  const { searchEntries } = await client.search(search['search-base'], {
    scope: 'sub',
    filter: fillTemplate(search['search-filter-template'], 'username', escapeFilterValue(uid)),
    attributes: ['dn'],
    sizeLimit: 2,
  });
  // Zero entries is an unknown user; two would make the login name ambiguous.
  const [only, another] = searchEntries;
  return only !== undefined && another === undefined ? only.dn : undefined;
}

async function mappedGroupsOf(
  client: Client,
  config: LdapConfig,
  uid: string,
  dn: string,
): Promise<string[]> {
  const search = config['group-search'];
  const mapped = Object.keys(config['group-roles'] ?? {});
  if (search === undefined || mapped.length === 0) return [];
  const attributes = (search['member-attributes'] ?? DEFAULT_MEMBER_ATTRIBUTES).map((name) =>
    name.toLowerCase(),
  );
  const userDn = normalizeDn(dn);
  const found: string[] = [];
  for (const group of mapped) {
    const { searchEntries } = await client.search(search['search-base'], {
      scope: 'sub',
      filter: fillTemplate(search['search-filter-template'], 'groupname', escapeFilterValue(group)),
      attributes,
    });
    const isMember = searchEntries.some((entry) =>
      Object.entries(entry).some(([name, values]) => {
        if (!attributes.includes(name.toLowerCase())) return false;
        const list = (Array.isArray(values) ? values : [values]).map(String);
        // memberUid lists login names; member and uniqueMember list DNs.
        return list.some((value) => value === uid || normalizeDn(value) === userDn);
      }),
    );
    if (isMember) found.push(group);
  }
  return found;
}

function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((part) => part.trim().toLowerCase())
    .join(',');
}
