/**
 * What the fetcher tests serve and fetch: a loopback HTTP(S) server that counts the
 * requests for each path, and archives made with the system's tar and zip (or, for
 * archives those tools refuse to make, such as zip slips, written byte by byte).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

export type Route = Buffer | string | ((req: IncomingMessage, res: ServerResponse) => void);

export interface FileServer {
  readonly url: string;
  /** How many requests each path received. */
  count(path: string): number;
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

export async function startFileServer(
  routes: Record<string, Route> = {},
  tls?: { key: string; cert: string },
): Promise<FileServer> {
  const table = new Map<string, Route>(Object.entries(routes));
  const counts = new Map<string, number>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const route = table.get(path);
    if (route === undefined) {
      res.writeHead(404).end('not found');
    } else if (typeof route === 'function') {
      route(req, res);
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(route);
    }
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    route: (path, route) => table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: one the OS gave to a server that is closed again. */
export async function closedPort(): Promise<number> {
  const server = createHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A scratch directory with a sandbox, a cache directory and a place to build archives. */
export interface Scratch {
  root: string;
  sandbox: string;
  cacheDir: string;
  work: string;
  remove(): Promise<void>;
}

export async function makeScratch(): Promise<Scratch> {
  const root = await mkdtemp(join(tmpdir(), 'mesolite-fetch-'));
  const scratch = {
    root,
    sandbox: join(root, 'sandbox'),
    cacheDir: join(root, 'cache'),
    work: join(root, 'work'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
  await mkdir(scratch.sandbox);
  await mkdir(scratch.work);
  return scratch;
}

/** Writes `files` (relative path → content) under `dir`. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Makes a symlink at `dir/path` pointing to `target`. */
export async function writeLink(dir: string, path: string, target: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await symlink(target, join(dir, path));
}

/** Runs `tar` with `args` in `cwd` (GNU tar picks the compression from -z/-j/-J). */
export function tar(cwd: string, args: string[]): void {
  execFileSync('tar', args, { cwd, stdio: 'ignore' });
}

/** Runs `zip` with `args` in `cwd`. */
export function zip(cwd: string, args: string[]): void {
  execFileSync('zip', args, { cwd, stdio: 'ignore' });
}

/**
 * A zip archive written by hand, with entries stored uncompressed: how a hostile
 * archive is made, since zip itself refuses to store '../' names.
 */
export function handmadeZip(entries: Array<{ name: string; content: string }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
