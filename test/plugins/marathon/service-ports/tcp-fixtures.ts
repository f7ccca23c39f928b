import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * Everything a test opens, closed by {@link closeAll} in afterEach: servers, sockets and
 * anything else with an async stop.
 */
const opened: Array<() => Promise<void> | void> = [];

export function onCleanup(close: () => Promise<void> | void): void {
  opened.push(close);
}

export async function closeAll(): Promise<void> {
  const closers = opened.splice(0).reverse();
  for (const close of closers) await close();
}

/**
 * A backend instance: greets each connection with its name and a newline, then echoes
 * what it is sent. The greeting tells a test which backend the proxy chose.
 */
export class EchoServer {
  readonly name: string;
  readonly sockets = new Set<Socket>();
  accepted = 0;
  private readonly server: Server;

  private constructor(name: string, server: Server) {
    this.name = name;
    this.server = server;
  }

  static async start(name: string): Promise<EchoServer> {
    const server = createServer();
    const echo = new EchoServer(name, server);
    server.on('connection', (socket) => {
      echo.accepted += 1;
      echo.sockets.add(socket);
      socket.once('close', () => echo.sockets.delete(socket));
      socket.on('error', () => {});
      socket.write(`${name}\n`);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => echo.close());
    return echo;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  backend(): { id: string; host: string; port: number } {
    return { id: this.name, host: '127.0.0.1', port: this.port };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on which nothing listens: bound for a moment, then released. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('not listening');
  return address.port;
}

/** A client connection that reads what arrives as text. */
export class TextClient {
  received = '';
  closed = false;
  private readonly socket: Socket;
  private readonly waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.wake();
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number, options: { allowHalfOpen?: boolean } = {}) {
    const socket = connect({
      host: '127.0.0.1',
      port,
      allowHalfOpen: options.allowHalfOpen ?? false,
    });
    const client = new TextClient(socket);
    onCleanup(() => client.destroy());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return client;
  }

  /** The backend's greeting: which instance this connection reached. */
  async backendName(timeoutMs = 5_000): Promise<string> {
    await this.waitFor(() => this.received.includes('\n'), timeoutMs);
    return this.received.slice(0, this.received.indexOf('\n'));
  }

  async waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out; received ${JSON.stringify(this.received)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForClose(timeoutMs = 5_000): Promise<void> {
    await this.waitFor(() => this.closed, timeoutMs);
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Half-closes: no more to send, still reading. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Connects and reports which backend answered, closing the connection afterwards. */
export async function backendOf(port: number): Promise<string> {
  const client = await TextClient.connect(port);
  const name = await client.backendName();
  client.destroy();
  await client.waitForClose();
  return name;
}
