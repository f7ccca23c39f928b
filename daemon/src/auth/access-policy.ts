import type { Identity } from './identity.js';
import { scopeAllows } from './request-scope.js';
import { roleAllows } from './roles.js';

/** What the policy needs to know about a request. */
export interface AccessRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /**
   * For a POST to the v1 operator API: whether the call in its body only reads
   * (GET_STATE, LIST_FILES, SUBSCRIBE…). Unknown until the body is parsed.
   */
  readonly operatorRead?: boolean | undefined;
}

export type AccessDecision =
  | { readonly verdict: 'allow' }
  | { readonly verdict: 'unauthenticated' }
  | { readonly verdict: 'forbidden'; readonly reason: string };

/** Mesos's v1 scheduler API, where frameworks authenticate with a principal. */
const SCHEDULER_PATHS = ['/api/v1/scheduler', '/master/api/v1/scheduler'];

/**
 * Paths anyone may reach: health (as Mesos's /health answers unauthenticated), login,
 * and where the leader is (Mesos's /master/redirect needs no authentication; the list of
 * masters is what a page whose master died asks the others, without their cookies).
 */
export const ALWAYS_PUBLIC: readonly AccessRequest[] = [
  { method: 'GET', path: '/master/redirect' },
  { method: 'GET', path: '/mesolite/v1/masters' },
  { method: 'GET', path: '/health' },
  { method: 'HEAD', path: '/health' },
  { method: 'GET', path: '/master/health' },
  { method: 'HEAD', path: '/master/health' },
  { method: 'POST', path: '/acs/api/v1/auth/login' },
  { method: 'POST', path: '/acs/api/v1/auth/logout' },
];

/** Secrets and their settings: only admins may even read these. */
const ADMIN_ONLY_PREFIXES = ['/mesolite/v1/join-token', '/acs/api/v1/ldap/'];

/** Accounts: people change these, never a service acting on its own. */
const ACCOUNTS_PREFIX = '/acs/api/v1/';

/** Mesos's v1 operator API: one POST endpoint whose body names the call. */
const OPERATOR_PATHS = ['/api/v1', '/master/api/v1'];

/**
 * Cosmos asks its questions with POST bodies, as DC/OS's package manager does: these
 * endpoints only read, so every authenticated caller may use them.
 */
const COSMOS_READS = new Set([
  '/package/search',
  '/package/describe',
  '/package/list',
  '/package/list-versions',
  '/package/render',
  '/package/repository/list',
]);

/** Operator calls that change nothing; the rest (TEARDOWN, UPDATE_WEIGHTS…) need an admin. */
const OPERATOR_READ_CALLS = new Set(['LIST_FILES', 'READ_FILE', 'SUBSCRIBE']);

export function isSchedulerApi(path: string): boolean {
  return SCHEDULER_PATHS.includes(path.replace(/\/+$/, ''));
}

export function isOperatorApi(path: string): boolean {
  return OPERATOR_PATHS.includes(path.replace(/\/+$/, ''));
}

/** Whether an operator API call of this type only reads. */
export function isOperatorReadCall(type: unknown): boolean {
  return typeof type === 'string' && (type.startsWith('GET_') || OPERATOR_READ_CALLS.has(type));
}

/** Whether the request only reads: by its method, or by what a POST endpoint is known to do. */
function onlyReads(method: string, path: string, operatorRead: boolean | undefined): boolean {
  if (roleAllows('viewer', method)) return true;
  if (method !== 'POST') return false;
  if (COSMOS_READS.has(path.replace(/\/+$/, ''))) return true;
  return isOperatorApi(path) && operatorRead === true;
}

/**
 * Who may do what, as a pure decision: public paths for everyone, reads for every
 * authenticated caller, changes for admins, and the scheduler API for framework
 * principals too. A service account (a plugin in the daemon) acts with its role but
 * never on accounts or secrets; a scoped credential allows its one request and nothing
 * else. Everything else with no identity is unauthenticated (401); with the wrong one,
 * forbidden (403).
 */
export function decideAccess(
  request: AccessRequest,
  identity: Identity | undefined,
  isPublic: (request: AccessRequest) => boolean = () => false,
): AccessDecision {
  const method = request.method.toUpperCase();
  const path = request.path.replace(/\/{2,}/g, '/');
  const publicPath = ALWAYS_PUBLIC.some((entry) => entry.method === method && entry.path === path);
  if (publicPath || isPublic({ method, path })) return { verdict: 'allow' };
  if (identity === undefined) return { verdict: 'unauthenticated' };
  if (identity.kind === 'scoped') {
    if (scopeAllows(identity.scope, { method, path })) return { verdict: 'allow' };
    return {
      verdict: 'forbidden',
      reason: `This token is only good for ${identity.scope.method} ${identity.scope.path}, not ${method} ${path}.`,
    };
  }
  const reads = onlyReads(method, path, request.operatorRead);
  const adminOnly = ADMIN_ONLY_PREFIXES.some((prefix) => path.startsWith(prefix));
  if (adminOnly && !(identity.kind === 'user' && identity.role === 'admin')) {
    return { verdict: 'forbidden', reason: `${method} ${path} is for admins only.` };
  }
  if (identity.kind === 'framework') {
    if (isSchedulerApi(path) || reads) return { verdict: 'allow' };
    return {
      verdict: 'forbidden',
      reason: `Framework principal ${identity.principal} may call the scheduler API and read, not ${method} ${path}.`,
    };
  }
  if (identity.kind === 'service') {
    const changesAccounts = path.startsWith(ACCOUNTS_PREFIX) && !reads;
    if (!changesAccounts && (reads || roleAllows(identity.role, method)))
      return { verdict: 'allow' };
    return {
      verdict: 'forbidden',
      reason: `Service account ${identity.principal} may not ${method} ${path}.`,
    };
  }
  if (reads || roleAllows(identity.role, method)) return { verdict: 'allow' };
  return {
    verdict: 'forbidden',
    reason: `${identity.uid} is a viewer and may only read; ${method} ${path} needs an admin.`,
  };
}
