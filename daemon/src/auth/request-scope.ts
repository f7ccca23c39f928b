import type { RequestScope } from './identity.js';

/**
 * Whether a request is the one a scoped credential names: the same method, and the
 * same path segment by segment once percent-encoding is undone, so that `ct%3A1` and
 * `ct:1` match (clients differ in what they escape) while an encoded slash still never
 * stands for a separator, and `..` or a trailing slash makes another path.
 */
export function scopeAllows(
  scope: RequestScope,
  request: { readonly method: string; readonly path: string },
): boolean {
  if (request.method.toUpperCase() !== scope.method.toUpperCase()) return false;
  const wanted = segments(scope.path);
  const got = segments(request.path);
  if (wanted === undefined || got === undefined || wanted.length !== got.length) return false;
  return wanted.every((segment, index) => segment === got[index]);
}

function segments(path: string): string[] | undefined {
  try {
    return path
      .replace(/\/{2,}/g, '/')
      .split('/')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
}
