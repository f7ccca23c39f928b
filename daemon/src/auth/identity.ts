import type { Role } from './roles.js';

/** Who made a request, once their credentials checked out. */
export type Identity =
  | {
      readonly kind: 'user';
      readonly uid: string;
      readonly role: Role;
      /** Where the user is defined: a local user or the LDAP directory. */
      readonly provider: 'local' | 'ldap';
    }
  | {
      /** A framework or remote plugin, as Mesos's --authenticate_http_frameworks knows them. */
      readonly kind: 'framework';
      readonly principal: string;
    };
