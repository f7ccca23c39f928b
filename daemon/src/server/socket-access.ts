/**
 * Who may open a browser-facing socket.io namespace (`/ui`, `/plugins/<name>`). The
 * rule is the HTTP API's, decided in one place: a socket.io middleware the daemon
 * puts in front of each of those namespaces. Without auth the daemon listens on
 * loopback, so every handshake that reached it is allowed; with auth,
 * daemon-security.ts passes authorizeHandshakes, which checks the same credentials as
 * HTTP (a cookie, an Authorization header, or socket.io's `auth: { token }`) and may
 * answer asynchronously, as socket.io middlewares can.
 */
import type { Socket } from 'socket.io';

/**
 * A socket.io namespace middleware: calls `next()` to admit the handshake, or
 * `next(error)` to refuse it; socket.io hands the error's message and `data` to the
 * client's `connect_error`.
 */
export type SocketAccess = (socket: Socket, next: (err?: Error) => void) => void;

/** The HTTP API's rule without user auth: whoever can reach the daemon may use it. */
export const allowReachable: SocketAccess = (_socket, next) => next();
