/** Credentials as a request carries them, before anyone checked them. */
export type RequestCredentials =
  | { readonly type: 'token'; readonly token: string }
  | { readonly type: 'basic'; readonly user: string; readonly password: string };

export const AUTH_COOKIE = 'dcos-acs-auth-cookie';
export const INFO_COOKIE = 'dcos-acs-info-cookie';

export interface CredentialSources {
  readonly authorization?: string | undefined;
  readonly cookie?: string | undefined;
}

/**
 * Reads the credentials the clients we serve send: DC/OS's `Authorization: token=<t>`,
 * the usual `Bearer <t>`, HTTP Basic (Mesos and Marathon clients, frameworks), or the
 * login cookie a browser carries. The Authorization header wins over the cookie, so
 * a script run from a logged-in browser session acts as the user it names.
 */
export function readCredentials(sources: CredentialSources): RequestCredentials | undefined {
  const header = sources.authorization?.trim();
  if (header) {
    const space = header.indexOf(' ');
    const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
    const rest = space === -1 ? '' : header.slice(space + 1).trim();
    if (scheme.startsWith('token=')) return token(header.slice('token='.length));
    if (scheme === 'bearer') return token(rest);
    if (scheme === 'basic') return basic(rest);
    return undefined;
  }
  const cookie = cookieValue(sources.cookie, AUTH_COOKIE);
  return cookie ? token(cookie) : undefined;
}

function token(value: string): RequestCredentials | undefined {
  const trimmed = value.trim().replace(/^"|"$/g, '');
  return trimmed ? { type: 'token', token: trimmed } : undefined;
}

function basic(encoded: string): RequestCredentials | undefined {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { type: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const equals = part.indexOf('=');
    if (equals !== -1 && part.slice(0, equals).trim() === name) {
      const value = part.slice(equals + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}
