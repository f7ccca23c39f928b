import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizeHandshakes } from '@mesolite/daemon/auth/socket-handshake';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTestServer, startAuthTestServer } from './auth-test-server.js';

describe('socket.io handshakes with auth on', () => {
  let auth: AuthTestServer;
  let http: HttpServer;
  let io: Server;
  let url: string;
  let client: Socket | undefined;

  beforeEach(async () => {
    auth = await startAuthTestServer();
    await auth.users.add({ uid: 'victor', password: 'victor-password', role: 'viewer' });
    http = createServer();
    io = new Server(http);
    io.of('/ui').use(authorizeHandshakes(auth.authenticator, true));
    io.of('/ui').on('connection', (socket) => {
      socket.emit('hello', socket.data.identity);
    });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/ui`;
  });
  afterEach(async () => {
    client?.close();
    await io.close();
    await auth.close();
  });

  /** The first `event` the client gets (socket.io-client's emitter is not node's). */
  function next<T>(socket: Socket, event: string): Promise<T> {
    return new Promise((resolve) => socket.once(event, resolve));
  }

  async function token(): Promise<string> {
    const response = await auth.app.inject({
      method: 'POST',
      url: '/acs/api/v1/auth/login',
      payload: { uid: 'victor', password: 'victor-password' },
    });
    return (response.json() as { token: string }).token;
  }

  it('admits a client with a token in auth, and tells the namespace who it is', async () => {
    client = connect(url, { auth: { token: await token() }, transports: ['websocket'] });
    const identity = await next<{ uid: string; role: string }>(client, 'hello');
    expect(identity).toMatchObject({ uid: 'victor', role: 'viewer' });
  });

  it('admits a browser with the login cookie', async () => {
    client = connect(url, {
      extraHeaders: { cookie: `dcos-acs-auth-cookie=${await token()}` },
      transports: ['websocket'],
    });
    await next(client, 'hello');
  });

  it('refuses a handshake without credentials, with the code in the error data', async () => {
    client = connect(url, { transports: ['websocket'], reconnection: false });
    const error = await next<Error & { data?: { code: string } }>(client, 'connect_error');
    expect(error.data?.code).toBe('ERR_INVALID_CREDENTIALS');
  });

  it('refuses a forged token', async () => {
    client = connect(url, {
      auth: { token: 'ey.forged.token' },
      transports: ['websocket'],
      reconnection: false,
    });
    const error = await next<Error & { data?: { status: number } }>(client, 'connect_error');
    expect(error.data?.status).toBe(401);
  });

  it('refuses a token scoped to one HTTP request (a task callback) with 403', async () => {
    const scoped = await auth.authenticator.signer.signScoped(
      'plugin:chronos',
      { method: 'PUT', path: '/service/chronos/scheduler/task/ct%3A1%3A0%3Ajob%3A' },
      60,
    );
    client = connect(url, {
      auth: { token: scoped.token },
      transports: ['websocket'],
      reconnection: false,
    });
    const error = await next<Error & { data?: { status: number; code: string } }>(
      client,
      'connect_error',
    );
    expect(error.data).toEqual({ status: 403, code: 'ERR_FORBIDDEN' });
  });
});
