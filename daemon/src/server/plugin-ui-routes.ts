/**
 * Plugin pages: a plugin's manifest may name a browser ES module (`"ui"`), which the
 * web UI imports and mounts (docs/PLUGINS.md, "UI pages").
 *
 *   GET /mesolite/v1/plugins/:name/ui.js    302 to the module under ui/
 *   GET /mesolite/v1/plugins/:name/ui/*     the module and the files next to it
 *
 * The module is served from ui/ so that its relative imports resolve there too. Only
 * files inside the directory of the declared module are served, and that module must
 * lie inside the plugin's package: ".." and symlinks cannot reach anything else.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MesoliteError } from '../errors.js';
import { NoPluginUiError, PluginUiOutsidePackageError } from './errors.js';
import { CONTENT_TYPES, readOptional } from './ui-routes.js';

/** Where a plugin's package is and the `ui` entry of its manifest. */
export interface PluginUiSource {
  dir: string;
  ui: string | undefined;
}

export type PluginUiLookup = (name: string) => PluginUiSource | undefined;

/** The URL the shell imports a plugin's page module from. */
export function pluginUiUrl(name: string): string {
  return `/mesolite/v1/plugins/${encodeURIComponent(name)}/ui.js`;
}

/** `child` resolved, and whether it is `parent` itself or inside it. */
function inside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(`${parent}${sep}`);
}

/** The real path of the plugin's UI module, refusing one outside its package. */
async function uiModule(lookup: PluginUiLookup, name: string): Promise<string> {
  const source = lookup(name);
  if (!source?.ui) throw new NoPluginUiError(name);
  const packageDir = await realpath(source.dir);
  const entry = await realpath(resolve(packageDir, source.ui)).catch(() => undefined);
  if (!entry || !inside(packageDir, entry)) throw new PluginUiOutsidePackageError(name, source.ui);
  return entry;
}

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof MesoliteError)) throw err;
  return reply.code(err.statusCode).send({ code: err.code, message: err.message });
}

export function pluginUiRoutes(lookup: PluginUiLookup) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/mesolite/v1/plugins/:name/ui.js', async (request, reply) => {
      const { name } = request.params as { name: string };
      try {
        const entry = await uiModule(lookup, name);
        const target = `/mesolite/v1/plugins/${encodeURIComponent(name)}/ui/${encodeURIComponent(basename(entry))}`;
        return reply.header('cache-control', 'no-cache').redirect(target, 302);
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/mesolite/v1/plugins/:name/ui/*', async (request, reply) => {
      const { name, '*': rest } = request.params as { name: string; '*': string };
      try {
        const directory = dirname(await uiModule(lookup, name));
        const file = await realpath(resolve(directory, rest)).catch(() => undefined);
        if (!file || !inside(directory, file) || file === directory)
          throw new PluginUiOutsidePackageError(name, rest);
        const bytes = await readOptional(file);
        if (bytes === undefined) throw new PluginUiOutsidePackageError(name, rest);
        return (
          reply
            .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
            // A plugin can be upgraded while the daemon runs: revalidate every time.
            .header('cache-control', 'no-cache')
            .header('x-content-type-options', 'nosniff')
            .send(bytes)
        );
      } catch (err) {
        return sendError(reply, err);
      }
    });
  };
}
