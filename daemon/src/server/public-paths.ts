import type { AccessRequest } from '../auth/access-policy.js';
import { isPluginArtifactPath } from './plugin-artifact-routes.js';

/** Paths the UI shell is served on; the single-page app routes the rest itself. */
const SHELL_PATHS = new Set(['/', '/index.html', '/login', '/ui']);
const SHELL_PREFIXES = ['/assets/', '/ui/'];

/**
 * What anyone may read with auth on: the UI's page and its static assets, which hold no
 * cluster data, so a browser without a session can load the login form. Every API the
 * page then calls is checked as usual.
 */
export function publicUiShell(request: AccessRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  return (
    SHELL_PATHS.has(request.path) ||
    SHELL_PREFIXES.some((prefix) => request.path.startsWith(prefix))
  );
}

/**
 * What the auth hook lets through with auth on: the UI shell, and plugin artifacts,
 * whose route checks credentials itself because it also admits agents by join token.
 */
export function publicPaths(request: AccessRequest): boolean {
  if (publicUiShell(request)) return true;
  return (
    (request.method === 'GET' || request.method === 'HEAD') && isPluginArtifactPath(request.path)
  );
}
