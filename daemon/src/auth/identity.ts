import type { Role } from './roles.js';

/** What a scoped credential is good for: one method on one path, nothing else. */
export interface RequestScope {
  readonly method: string;
  /** The path without the query string, as the request line carries it. */
  readonly path: string;
}

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
    }
  | {
      /**
       * A service account, as DC/OS gives one to each service: a plugin running in the
       * daemon (`plugin:<name>`) calling the master's and other plugins' APIs.
       */
      readonly kind: 'service';
      readonly principal: string;
      readonly role: Role;
    }
  | {
      /** A credential handed to a task for one request, such as Chronos's async callback. */
      readonly kind: 'scoped';
      readonly principal: string;
      readonly scope: RequestScope;
    };
