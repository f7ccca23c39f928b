/**
 * How an agent proves itself to its master over HTTP, for the one thing it fetches
 * from there: plugin artifacts. It presents its join token, as a k3s agent presents its
 * token to the supervisor, in a scheme of its own (`Authorization: JoinToken <token>`)
 * that the user authentication never reads, so the token can never be taken for a
 * password and sent on to an LDAP directory.
 */
export const JOIN_TOKEN_SCHEME = 'JoinToken';

export function joinTokenAuthorization(token: string): string {
  return `${JOIN_TOKEN_SCHEME} ${token.trim()}`;
}

/** The token an Authorization header presents in the JoinToken scheme, if it does. */
export function presentedJoinToken(authorization: string | undefined): string | undefined {
  const header = authorization?.trim() ?? '';
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== JOIN_TOKEN_SCHEME.toLowerCase()) {
    return undefined;
  }
  const token = header.slice(space + 1).trim();
  return token === '' ? undefined : token;
}
