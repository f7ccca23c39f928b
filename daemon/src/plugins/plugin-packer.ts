/**
 * `mesolite plugin pack`: turns a plugin's package directory into a self-contained
 * npm-style tarball. Its entry (and `cli` module) are bundled with everything they
 * import except the host's plugin API, `@mesolite/daemon`, which the running daemon
 * provides, as Podman Desktop provides `@podman-desktop/api` to its extensions. The
 * `ui` module is already a browser bundle and is copied as it is.
 */
import { access, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { build } from 'esbuild';
import { create } from 'tar';
import { MesoliteError } from '../errors.js';
import { InvalidManifestError, type PluginManifest, parseManifest } from './manifest.js';
import { PluginPackError } from './package-errors.js';

/** The host's API stays outside the bundle so the plugin shares the daemon's modules. */
export const HOST_API_PACKAGES = ['@mesolite/daemon', '@mesolite/daemon/*'];

// A CommonJS dependency bundled into ESM (fastify, pino...) still calls require() for
// Node's built-ins; esbuild's ESM output has none, so the bundle makes one.
const REQUIRE_BANNER =
  "import { createRequire as __mesoliteCreateRequire } from 'node:module';\n" +
  'const require = __mesoliteCreateRequire(import.meta.url);';

export interface PackResult {
  file: string;
  manifest: PluginManifest;
  version: string;
}

interface PackageJson {
  name?: string;
  version?: string;
  description?: string;
  license?: string;
  mesolite?: unknown;
}

/** A module path of the manifest, which must stay inside the package. */
function inside(dir: string, field: string, path: string): string {
  const normal = normalize(path);
  if (isAbsolute(normal) || normal.startsWith('..')) {
    throw new InvalidManifestError(dir, `"${field}" (${path}) points outside the package`);
  }
  return join(dir, normal);
}

async function bundle(dir: string, entry: string, outfile: string): Promise<void> {
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external: HOST_API_PACKAGES,
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      legalComments: 'none',
    });
  } catch (err) {
    const errors = (err as { errors?: Array<{ text: string; location?: { file: string } }> })
      .errors;
    const detail = errors?.length
      ? errors.map((e) => (e.location ? `${e.location.file}: ${e.text}` : e.text)).join('; ')
      : (err as Error).message;
    throw new PluginPackError(dir, `bundling ${entry} failed: ${detail}`);
  }
}

export async function packPlugin(pluginDir: string, output?: string): Promise<PackResult> {
  const dir = resolve(pluginDir);
  let packageJson: PackageJson;
  try {
    packageJson = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch (err) {
    throw new PluginPackError(dir, `cannot read its package.json: ${(err as Error).message}`);
  }
  const manifest = parseManifest(packageJson, dir);
  const version = packageJson.version ?? '0.0.0';
  const modules = {
    entry: inside(dir, 'entry', manifest.entry),
    ...(manifest.cli ? { cli: inside(dir, 'cli', manifest.cli) } : {}),
    ...(manifest.ui ? { ui: inside(dir, 'ui', manifest.ui) } : {}),
  };
  for (const [field, path] of Object.entries(modules)) {
    await access(path).catch(() => {
      throw new PluginPackError(
        dir,
        `its "${field}" module ${path} does not exist (build it first)`,
      );
    });
  }

  const staging = await mkdtemp(join(tmpdir(), 'mesolite-pack-'));
  try {
    const out = join(staging, 'package');
    await mkdir(join(out, 'dist'), { recursive: true });
    await bundle(dir, modules.entry, join(out, 'dist', 'index.js'));
    if (modules.cli) await bundle(dir, modules.cli, join(out, 'dist', 'cli.js'));
    let ui: string | undefined;
    if (modules.ui) {
      // A UI module in its own folder loads its chunks from beside it: take the folder.
      const uiDir = dirname(modules.ui);
      if (uiDir === dir) await cp(modules.ui, join(out, 'dist', 'ui', basename(modules.ui)));
      else
        await cp(uiDir, join(out, 'dist', 'ui'), {
          recursive: true,
          filter: (source) => !source.split(/[\\/]/).includes('node_modules'),
        });
      ui = `dist/ui/${basename(modules.ui)}`;
    }
    const packed: PluginManifest = {
      ...manifest,
      entry: 'dist/index.js',
      ...(modules.cli ? { cli: 'dist/cli.js' } : {}),
      ...(ui ? { ui } : {}),
    };
    const daemonPackage = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    await writeFile(
      join(out, 'package.json'),
      `${JSON.stringify(
        {
          name: packageJson.name ?? `mesolite-plugin-${manifest.name}`,
          version,
          ...(packageJson.description ? { description: packageJson.description } : {}),
          ...(packageJson.license ? { license: packageJson.license } : {}),
          type: 'module',
          peerDependencies: { '@mesolite/daemon': `^${daemonPackage.version}` },
          mesolite: packed,
        },
        null,
        2,
      )}\n`,
    );
    const file = resolve(output ?? `mesolite-plugin-${manifest.name}-${version}.tgz`);
    await create({ gzip: true, file, cwd: staging, portable: true }, ['package']);
    return { file, manifest: packed, version };
  } catch (err) {
    if (err instanceof MesoliteError) throw err;
    throw new PluginPackError(dir, (err as Error).message);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
