import { type Static, Type } from 'typebox';
import { ProtocolValidationError, validator } from '../protocol/validate.js';
import { RoleSchema } from './roles.js';

/**
 * DC/OS's LDAP configuration document, field for field (PUT /acs/api/v1/ldap/config),
 * plus mesolite's "group-roles", which maps directory group names to mesolite roles
 * since mesolite has roles where DC/OS has permissions.
 */
export const LdapConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    'use-ldaps': Type.Optional(Type.Boolean()),
    'enforce-starttls': Type.Optional(Type.Boolean()),
    /** PEM certificates to trust for the directory's TLS, instead of the system's. */
    'ca-certs': Type.Optional(Type.String()),
    /** A bind DN for the user, `%(username)s` standing for the login name. */
    dntemplate: Type.Optional(Type.String({ pattern: '%\\(username\\)s' })),
    'lookup-dn': Type.Optional(Type.String()),
    'lookup-password': Type.Optional(Type.String()),
    'user-search': Type.Optional(
      Type.Object({
        'search-base': Type.String(),
        'search-filter-template': Type.String({ pattern: '%\\(username\\)s' }),
      }),
    ),
    'group-search': Type.Optional(
      Type.Object({
        'search-base': Type.String(),
        'search-filter-template': Type.String({ pattern: '%\\(groupname\\)s' }),
        'member-attributes': Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
      }),
    ),
    'group-roles': Type.Optional(Type.Record(Type.String({ minLength: 1 }), RoleSchema)),
  },
  { additionalProperties: false },
);
export type LdapConfig = Static<typeof LdapConfigSchema>;

const ldapConfigValidator = validator(LdapConfigSchema, 'the LDAP configuration');

/** DC/OS's default attributes that list a group's members. */
export const DEFAULT_MEMBER_ATTRIBUTES = ['member', 'uniquemember', 'memberuid'];

/**
 * Validates a configuration, including what a schema cannot say: exactly one way to find
 * the user's DN, and a lookup password with every lookup DN.
 */
export function parseLdapConfig(value: unknown): LdapConfig {
  const config = ldapConfigValidator.parse(value);
  const hasTemplate = config.dntemplate !== undefined;
  const hasSearch = config['user-search'] !== undefined;
  if (hasTemplate === hasSearch) {
    throw invalid("give exactly one of 'dntemplate' and 'user-search'");
  }
  if ((config['lookup-dn'] === undefined) !== (config['lookup-password'] === undefined)) {
    throw invalid("'lookup-dn' and 'lookup-password' go together");
  }
  return config;
}

function invalid(detail: string): Error {
  return new ProtocolValidationError('the LDAP configuration', detail);
}

/** The configuration as GET shows it: everything but the lookup password. */
export function redactLdapConfig(config: LdapConfig): LdapConfig {
  const { 'lookup-password': _secret, ...rest } = config;
  return rest;
}
