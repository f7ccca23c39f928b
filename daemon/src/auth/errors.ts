import { defineError } from '../errors.js';

export const MalformedJoinTokenError = defineError(
  'MESOLITE_ERR_MALFORMED_JOIN_TOKEN',
  400,
  (detail: string) =>
    `The join token is not valid: ${detail}. A token looks like K10<64 hex digits>::agent:<secret>; ` +
    'copy it again from `mesolite token show` on the master.',
);

export const JoinTokenRejectedError = defineError(
  'MESOLITE_ERR_JOIN_TOKEN_REJECTED',
  401,
  () =>
    'The master rejected the join token. It may have been rotated: get the current one with ' +
    '`mesolite token show` on the master.',
);

export const JoinTokenRequiredError = defineError(
  'MESOLITE_ERR_JOIN_TOKEN_REQUIRED',
  400,
  (master: string) =>
    `${master} serves TLS, so joining it takes its join token: pass --token (or MESOLITE_JOIN_TOKEN) ` +
    'with the value `mesolite token show` prints on the master.',
);

export const NoJoinTokenError = defineError(
  'MESOLITE_ERR_NO_JOIN_TOKEN',
  404,
  (workDir: string) =>
    `There is no join token in ${workDir}: it is made when a master first serves beyond loopback. ` +
    'Start it with `mesolite master --host ADDR`, or pass the right --work-dir.',
);

export const NoAdminUserError = defineError(
  'MESOLITE_ERR_NO_ADMIN_USER',
  400,
  (workDir: string) =>
    'Refusing to start with authentication on and no admin user: nobody could log in. Create ' +
    `one first with \`mesolite user add NAME --role admin --work-dir ${workDir}\` ` +
    '(it asks for the password; --password-stdin reads it from a pipe), or configure LDAP ' +
    'with --ldap-config FILE.json and a "group-roles" entry mapping a group to "admin".',
);

export const UserExistsError = defineError(
  'MESOLITE_ERR_USER_EXISTS',
  409,
  (uid: string) =>
    `User ${uid} already exists. Remove it first with \`mesolite user remove ${uid}\`.`,
);

export const UnknownUserError = defineError(
  'MESOLITE_ERR_UNKNOWN_USER',
  404,
  (uid: string) => `There is no local user ${uid}; \`mesolite user list\` shows who there is.`,
);

export const InvalidUserError = defineError(
  'MESOLITE_ERR_INVALID_USER',
  400,
  (detail: string) => `Invalid user: ${detail}.`,
);

export const WorkDirInUseError = defineError(
  'MESOLITE_ERR_WORK_DIR_IN_USE',
  409,
  (workDir: string) =>
    `The daemon using ${workDir} is running and holds its store. Manage users through it ` +
    'instead: pass --master URL (and log in first with `mesolite login --master URL`).',
);

export const LdapUnavailableError = defineError(
  'MESOLITE_ERR_LDAP_UNAVAILABLE',
  503,
  (url: string, reason: string) =>
    `The LDAP directory at ${url} cannot be reached (${reason}). Directory users cannot log in ` +
    'until it is back; local users still can. Check the "host" and "port" of the LDAP configuration.',
);

export const LdapNoRoleError = defineError(
  'MESOLITE_ERR_LDAP_NO_ROLE',
  403,
  (uid: string) =>
    `${uid} is in no LDAP group that "group-roles" maps to a role, so they may not log in. ` +
    'Add them to a mapped group, or map one of their groups in the LDAP configuration.',
);

export const LdapNotConfiguredError = defineError(
  'MESOLITE_ERR_LDAP_NOT_CONFIGURED',
  400,
  () => 'No LDAP directory is configured. PUT /acs/api/v1/ldap/config first.',
);

export const CredentialsFileError = defineError(
  'MESOLITE_ERR_CREDENTIALS_FILE',
  400,
  (path: string, detail: string) => `Cannot use the credentials in ${path}: ${detail}.`,
);

export const NotLoggedInError = defineError(
  'MESOLITE_ERR_NOT_LOGGED_IN',
  401,
  (master: string) =>
    `${master} requires a login. Run \`mesolite login --master ${master}\`, or pass --token ` +
    '(or set MESOLITE_TOKEN).',
);

export const PasswordInputError = defineError(
  'MESOLITE_ERR_PASSWORD_INPUT',
  400,
  (detail: string) => `${detail}`,
);

export const MasterRefusedError = defineError(
  'MESOLITE_ERR_MASTER_REFUSED',
  400,
  (request: string, status: number, detail: string) =>
    `The master refused ${request} (${status}): ${detail}`,
);

export const ForbiddenError = defineError(
  'MESOLITE_ERR_FORBIDDEN',
  403,
  (request: string, detail: string) => `Not allowed: ${request}. ${detail} Log in as an admin.`,
);

export const LoginFailedError = defineError(
  'MESOLITE_ERR_LOGIN_FAILED',
  401,
  (master: string, uid: string) =>
    `${master} did not accept ${uid} with that password. Check both and try again.`,
);
