import type { Socket } from 'socket.io';
import { checkCredentials } from './auth-plugin.js';
import type { Authenticator } from './authenticator.js';
import { ERR_FORBIDDEN } from './dcos-error.js';
import type { Identity } from './identity.js';

export interface HandshakeError extends Error {
  /** socket.io hands `data` to the client's connect_error handler. */
  data: { code: string; status: number };
}

function refusal(status: number, code: string, message: string): HandshakeError {
  return Object.assign(new Error(message), { data: { code, status } });
}

/**
 * A socket.io middleware (`io.of('/ui').use(...)`) that admits a handshake on the same
 * terms as an HTTP GET: the cookie or Authorization header a browser or client sends,
 * or `auth: { token }` from socket.io-client. The identity is left in
 * `socket.data.identity`; with auth off every handshake is admitted.
 */
export function authorizeHandshakes(authenticator: Authenticator, enabled: boolean) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    if (!enabled) {
      next();
      return;
    }
    const headers = socket.handshake.headers;
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const authorization =
      typeof token === 'string' && token !== '' ? `token=${token}` : headers.authorization;
    checkCredentials(authenticator, { authorization, cookie: headers.cookie })
      .then((check) => {
        if (!check.ok) return next(refusal(check.status, check.code, check.message));
        // Every identity that may read at all may open a socket, which only reads.
        if (check.identity === undefined) {
          return next(refusal(401, 'ERR_INVALID_CREDENTIALS', 'This cluster requires a login.'));
        }
        if (check.identity.kind === 'scoped') {
          return next(refusal(403, ERR_FORBIDDEN, 'This token is good for one request only.'));
        }
        (socket.data as { identity?: Identity }).identity = check.identity;
        next();
      })
      .catch((err: Error) => next(err));
  };
}
