/**
 * Finding plugins: the built-in ones (workspace packages shipped with mesolite) and
 * any installed in the work dir's plugins/ folder, each a directory with a
 * package.json whose `mesolite` manifest passes its checks.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { MesoliteError } from '../errors.js';
import { type PluginManifest, parseManifest } from './manifest.js';

export const BUILT_IN_PLUGINS = [
  '@mesolite/plugin-marathon',
  '@mesolite/plugin-chronos',
  '@mesolite/plugin-aurora',
] as const;

export interface DiscoveredPlugin {
  manifest: PluginManifest;
  /** The package directory. */
  dir: string;
  version: string;
  builtIn: boolean;
}

export interface BrokenPlugin {
  where: string;
  error: string;
  code: string;
}

async function readPackage(dir: string, builtIn: boolean): Promise<DiscoveredPlugin> {
  const text = await readFile(join(dir, 'package.json'), 'utf8');
  const packageJson = JSON.parse(text) as { version?: string };
  const manifest = parseManifest(packageJson, dir);
  return { manifest, dir, version: packageJson.version ?? '0.0.0', builtIn };
}

export async function discoverPlugins(
  workDir: string,
  builtIns: readonly string[] = BUILT_IN_PLUGINS,
): Promise<{ found: DiscoveredPlugin[]; broken: BrokenPlugin[] }> {
  const found: DiscoveredPlugin[] = [];
  const broken: BrokenPlugin[] = [];
  const require = createRequire(import.meta.url);
  const record = (where: string, err: unknown) =>
    broken.push({
      where,
      error: (err as Error).message,
      code: err instanceof MesoliteError ? err.code : 'MESOLITE_ERR_PLUGIN_LOAD',
    });

  for (const name of builtIns) {
    try {
      found.push(await readPackage(dirname(require.resolve(`${name}/package.json`)), true));
    } catch (err) {
      record(name, err);
    }
  }
  const installed = resolve(workDir, 'plugins');
  const entries = await readdir(installed, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(installed, entry.name);
    try {
      found.push(await readPackage(dir, false));
    } catch (err) {
      record(dir, err);
    }
  }
  return { found, broken };
}
