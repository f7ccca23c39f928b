/**
 * `mesolite plugin pack`: turns a plugin's package directory into a self-contained
 * npm-style tarball. Its entry (and `cli` module) are bundled with everything they
 * import except the host's plugin API, `@mesolite/daemon`, which the running daemon
 * provides, as Podman Desktop provides `@podman-desktop/api` to its extensions. The
 * `ui` module is already a browser bundle and is copied as it is, and so are the
 * manifest's `artifacts`, the self-contained files its tasks fetch on agents.
 */
import { access, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { create } from 'tar';
import { MesoliteError } from '../errors.js';
import { InvalidManifestError, type PluginManifest, parseManifest } from './manifest.js';
import { PluginPackError } from './package-errors.js';
import { BundleError, bundleNodeModule } from './program-bundler.js';

/** The host's API stays outside the bundle so the plugin shares the daemon's modules. */
export const HOST_API_PACKAGES = ['@mesolite/daemon', '@mesolite/daemon/*'];

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
    await bundleNodeModule(entry, outfile, HOST_API_PACKAGES);
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    throw new PluginPackError(dir, err.message);
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
  const artifacts = Object.entries(manifest.artifacts ?? {}).map(
    ([name, path]) => [name, inside(dir, `artifacts.${name}`, path)] as const,
  );
  for (const [name, path] of artifacts) {
    await access(path).catch(() => {
      throw new PluginPackError(
        dir,
        `its artifact ${name} (${path}) does not exist (build it first)`,
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
    // Artifacts are what tasks run on agents, already self-contained: copied as they are.
    for (const [name, path] of artifacts) {
      await cp(path, join(out, 'dist', 'artifacts', name));
    }
    const packed: PluginManifest = {
      ...manifest,
      entry: 'dist/index.js',
      ...(modules.cli ? { cli: 'dist/cli.js' } : {}),
      ...(ui ? { ui } : {}),
      ...(artifacts.length > 0
        ? {
            artifacts: Object.fromEntries(
              artifacts.map(([name]) => [name, `dist/artifacts/${name}`]),
            ),
          }
        : {}),
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
