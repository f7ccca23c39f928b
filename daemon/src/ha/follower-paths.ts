import { JOIN_TOKEN_ROTATE_PATH } from '../auth/join-token-routes.js';

/**
 * What a master that does not lead does with a request, by its path alone:
 * - `local`: answered here whatever the leadership (/health, /ping, /master/redirect,
 *   the UI, anything not listed below);
 * - `redirect`: 307 to the leader, as Mesos's non-leading masters answer their
 *   scheduler and operator APIs and state endpoints;
 * - `proxy`: forwarded to the leader and its answer relayed, as Marathon's non-leaders
 *   do, so that a plugin's clients can talk to any master.
 */
export type FollowerAction = 'local' | 'redirect' | 'proxy';

const REDIRECTED = new Set(
  [
    '/api/v1',
    '/api/v1/scheduler',
    '/master/api/v1',
    '/master/api/v1/scheduler',
    '/state',
    '/state.json',
    '/master/state',
    '/master/state.json',
    '/master/state-summary',
    '/master/frameworks',
    '/master/slaves',
    '/master/tasks',
    '/master/roles',
    '/master/teardown',
  ].flatMap((path) => [path, `/mesos${path}`]),
);

const PROXIED = /^(?:\/mesos)?\/service\/[^/]+(?:\/|$)/;
// Every agent's sandboxes, as DC/OS's admin router serves /agent/<id>/files on every
// master: only the leader holds the agents' links.
const AGENT_FILES = /^(?:\/mesos)?\/agent\/[^/]+\/files(?:\/|$)/;
// Plugins run on the leader only: installing, upgrading, removing, enabling or listing
// them, and their UI modules, are the leader's, whichever master the client asked.
const PLUGIN_MANAGEMENT = /^\/mesolite\/v1\/plugins(?:\/|$)/;
// The catalog installs through Marathon and keeps its repositories in the replicated
// store; images are pushed to the leader's agents; the demo deploys through Marathon.
const LEADER_SERVICES = /^\/(?:package|mesolite\/v1\/images|mesolite\/v1\/demos)(?:\/|$)/;
// Users and LDAP settings live in the replicated store, which only the leader writes;
// logging in only reads them, so every master answers it.
const ACCOUNTS = /^\/acs\/api\/v1\//;
const LOGIN = /^\/acs\/api\/v1\/auth\/(?:login|logout)$/;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function followerAction(url: string, method = 'GET'): FollowerAction {
  const path = normalizedPath(url);
  if (REDIRECTED.has(path)) return 'redirect';
  if (PROXIED.test(path) || PLUGIN_MANAGEMENT.test(path)) return 'proxy';
  if (LEADER_SERVICES.test(path)) return 'proxy';
  if (ACCOUNTS.test(path) && !LOGIN.test(path) && !READS.has(method.toUpperCase())) return 'proxy';
  // Every master shows the join token from ZooKeeper; rotating it is a write, the leader's.
  if (path === JOIN_TOKEN_ROTATE_PATH) return 'proxy';
  if (AGENT_FILES.test(path)) return 'proxy';
  return 'local';
}

/** The path without its query, doubled slashes made one and a trailing slash dropped. */
export function normalizedPath(url: string): string {
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).replace(/\/{2,}/g, '/');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
