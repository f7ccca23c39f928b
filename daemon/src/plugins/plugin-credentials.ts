/**
 * How a plugin proves who it is when it calls the master (PluginContext.fetch) and how
 * its tasks call it back (PluginContext.taskCallback). In the daemon a plugin is the
 * service account `plugin:<name>`, whose short-lived tokens the daemon signs; run
 * standalone it uses the framework principal and secret it was started with, as any
 * Mesos framework does.
 */
import type { RequestScope } from '../auth/identity.js';
import { masterFetch } from '../auth/master-fetch.js';
import { ServiceTokens } from '../auth/service-tokens.js';
import type { TokenSigner } from '../auth/token-signer.js';
import { defineError } from '../errors.js';

export interface PluginCredentials {
  /** The Authorization header of plugin `name`'s requests to the master. */
  authorization(name: string): Promise<string>;
  /**
   * A token good for one request only (a method on a path of the master), for a task
   * of plugin `name`; absent where nobody can sign one (a plugin run standalone).
   */
  readonly scopedToken?: (
    name: string,
    scope: RequestScope,
    lifetimeSeconds: number,
  ) => Promise<string>;
  /** A fetch that trusts the master's certificate (a private CA's); the global one by default. */
  readonly fetch?: typeof fetch | undefined;
}

/** The service account a plugin in the daemon acts as. */
export function pluginPrincipal(name: string): string {
  return `plugin:${name}`;
}

/**
 * Credentials of plugins run by a daemon with auth on: each plugin's service account
 * has the admin role (the access policy still keeps it away from accounts and
 * secrets), and its tasks get tokens scoped to a single request.
 */
export function signedPluginCredentials(
  signer: TokenSigner,
  ca: string | undefined,
): PluginCredentials {
  const tokens = new ServiceTokens(signer);
  return {
    authorization: async (name) => `token=${await tokens.token(pluginPrincipal(name), 'admin')}`,
    scopedToken: async (name, scope, lifetimeSeconds) =>
      (await signer.signScoped(pluginPrincipal(name), scope, lifetimeSeconds)).token,
    fetch: ca === undefined ? undefined : masterFetch({ ca }),
  };
}

/**
 * Credentials of a plugin run standalone: HTTP Basic with the framework principal its
 * scheduler client uses too (`--principal`, `--secret-file`), and that client's fetch.
 */
export function principalPluginCredentials(access: {
  readonly credentials?: { readonly principal: string; readonly secret: string } | undefined;
  readonly fetch?: typeof fetch | undefined;
}): PluginCredentials {
  const { credentials } = access;
  const basic =
    credentials &&
    `Basic ${Buffer.from(`${credentials.principal}:${credentials.secret}`).toString('base64')}`;
  return { authorization: async () => basic ?? '', fetch: access.fetch };
}

export const PluginFetchOutsideMasterError = defineError(
  'MESOLITE_ERR_PLUGIN_FETCH_OUTSIDE_MASTER',
  400,
  (url: string, master: string) =>
    `context.fetch carries the plugin's credential and goes to the master only (${master}), ` +
    `not ${url}; use the global fetch for other servers`,
);

/**
 * The URL a process on this machine reaches a master at: a wildcard listen address is
 * reached on loopback, which the daemon's certificate names.
 */
export function reachableMaster(masterUrl: string): URL {
  const url = new URL(masterUrl);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url;
}

/**
 * A fetch to the master as plugin `name`: a path is resolved under the master's URL,
 * a URL must be on the master's origin, and the plugin's credential goes with every
 * request that does not carry an Authorization of its own.
 */
export function pluginFetch(
  name: string,
  masterUrl: () => string,
  credentials: PluginCredentials | undefined,
): (pathOrUrl: string, init?: RequestInit) => Promise<Response> {
  return async (pathOrUrl, init) => {
    const master = reachableMaster(masterUrl());
    const base = master.href.replace(/\/$/, '');
    const url = /^[a-z][a-z0-9+.-]*:/i.test(pathOrUrl)
      ? reachableMaster(pathOrUrl)
      : new URL(`${base}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`);
    if (url.origin !== master.origin) throw new PluginFetchOutsideMasterError(url.href, base);
    const headers = new Headers(init?.headers);
    const authorization = await credentials?.authorization(name);
    if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
    return (credentials?.fetch ?? fetch)(url, { ...init, headers });
  };
}
