import type { Identity } from './identity.js';
import { roleAllows } from './roles.js';

/** What the policy needs to know about a request. */
export interface AccessRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
}

export type AccessDecision =
  | { readonly verdict: 'allow' }
  | { readonly verdict: 'unauthenticated' }
  | { readonly verdict: 'forbidden'; readonly reason: string };

/** Mesos's v1 scheduler API, where frameworks authenticate with a principal. */
const SCHEDULER_PATHS = ['/api/v1/scheduler', '/master/api/v1/scheduler'];

/** Paths anyone may reach: health (as Mesos's /health answers unauthenticated) and login. */
export const ALWAYS_PUBLIC: readonly AccessRequest[] = [
  { method: 'GET', path: '/health' },
  { method: 'HEAD', path: '/health' },
  { method: 'GET', path: '/master/health' },
  { method: 'HEAD', path: '/master/health' },
  { method: 'POST', path: '/acs/api/v1/auth/login' },
  { method: 'POST', path: '/acs/api/v1/auth/logout' },
];

/** Secrets and their settings: only admins may even read these. */
const ADMIN_ONLY_PREFIXES = ['/mesolite/v1/join-token', '/acs/api/v1/ldap/'];

export function isSchedulerApi(path: string): boolean {
  return SCHEDULER_PATHS.includes(path.replace(/\/+$/, ''));
}

/**
 * Who may do what, as a pure decision: public paths for everyone, reads for every
 * authenticated caller, changes for admins, and the scheduler API for framework
 * principals too. Everything else with no identity is unauthenticated (401); with the
 * wrong one, forbidden (403).
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
  const adminOnly = ADMIN_ONLY_PREFIXES.some((prefix) => path.startsWith(prefix));
  if (adminOnly && !(identity.kind === 'user' && identity.role === 'admin')) {
    return { verdict: 'forbidden', reason: `${method} ${path} is for admins only.` };
  }
  if (identity.kind === 'framework') {
    if (isSchedulerApi(path) || roleAllows('viewer', method)) return { verdict: 'allow' };
    return {
      verdict: 'forbidden',
      reason: `Framework principal ${identity.principal} may call the scheduler API and read, not ${method} ${path}.`,
    };
  }
  if (roleAllows(identity.role, method)) return { verdict: 'allow' };
  return {
    verdict: 'forbidden',
    reason: `${identity.uid} is a viewer and may only read; ${method} ${path} needs an admin.`,
  };
}
