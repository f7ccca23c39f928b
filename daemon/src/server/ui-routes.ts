/**
 * The web UI, as a fastify plugin: the files Vite built into daemon/dist/ui.
 *
 *   GET /                 index.html
 *   GET /assets/*         the bundle (hashed names, so cached for long)
 *   GET /ui, /ui/*        client routes: index.html, and the UI routes itself
 *
 * Client routes live under /ui so the index.html fallback never shadows an API's 404.
 * The directory is read on every request rather than at startup, so a daemon started
 * before `npm run build` serves the UI as soon as it exists.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** daemon/dist/ui, from both daemon/src/server (tests) and daemon/dist/server (built). */
export const UI_DIR = resolve(import.meta.dirname, '../../dist/ui');

const HTML = 'text/html; charset=utf-8';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface UiRoutesOptions {
  /** Where the built UI is (default {@link UI_DIR}). */
  directory?: string;
}

export function uiRoutes(options: UiRoutesOptions = {}) {
  const directory = resolve(options.directory ?? UI_DIR);

  return async function ui(app: FastifyInstance): Promise<void> {
    const sendIndex = async (reply: FastifyReply) => {
      const html = await readOptional(resolve(directory, 'index.html'));
      if (html === undefined) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(
            `The mesolite web UI has not been built (no ${directory}/index.html): run \`npm run build\`.\n`,
          );
      }
      // index.html names the current bundle, so it must never be served stale.
      return reply.type(HTML).header('cache-control', 'no-cache').send(html);
    };

    app.get('/', async (_request, reply) => sendIndex(reply));
    app.get('/index.html', async (_request, reply) => sendIndex(reply));
    app.get('/login', async (_request, reply) => sendIndex(reply));
    app.get('/ui', async (_request, reply) => sendIndex(reply));
    app.get('/ui/*', async (_request, reply) => sendIndex(reply));

    app.get('/assets/*', async (request, reply) => {
      const { '*': rest } = request.params as { '*': string };
      const file = resolve(directory, 'assets', rest);
      // A path that leaves the assets directory (by "..") is not ours to serve.
      if (!file.startsWith(`${resolve(directory, 'assets')}${sep}`)) {
        return reply.code(404).send({ message: `No UI asset ${rest}` });
      }
      const bytes = await readOptional(file);
      if (bytes === undefined) return reply.code(404).send({ message: `No UI asset ${rest}` });
      return reply
        .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    });
  };
}

/** The file's bytes, or undefined when it is not there (any other error is thrown). */
export async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
