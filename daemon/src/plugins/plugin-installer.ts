/**
 * Installs, upgrades and removes plugins while the daemon runs. An uploaded package is
 * unpacked and checked in a staging folder beside WORK_DIR/plugins (same file system,
 * so moving it into place is one rename); only a package that passed every check
 * reaches WORK_DIR/plugins/<name>/, where discovery finds it again after a restart.
 * One operation runs at a time.
 */
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiscoveredPlugin } from './discovery.js';
import { InvalidManifestError, parseManifest } from './manifest.js';
import {
  BuiltInPluginError,
  PluginExistsError,
  PluginNameMismatchError,
  UnsafePluginPackageError,
} from './package-errors.js';
import {
  DEFAULT_EXTRACTION_LIMITS,
  type ExtractionLimits,
  extractPluginPackage,
} from './package-extraction.js';
import { type PluginHost, type PluginInfo, UnknownPluginError } from './plugin-host.js';

/** This daemon's own package, which provides `@mesolite/daemon` to installed plugins. */
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const DAEMON_PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

export interface PluginInstallerOptions {
  workDir: string;
  host: PluginHost;
  limits?: ExtractionLimits;
}

interface Staged {
  /** The staging folder holding the unpacked package. */
  dir: string;
  /** The plugin as it will be once moved to its final folder. */
  plugin: DiscoveredPlugin;
}

export class PluginInstaller {
  private queue: Promise<unknown> = Promise.resolve();
  private recovered = false;

  constructor(private readonly options: PluginInstallerOptions) {}

  private get pluginsDir(): string {
    return join(this.options.workDir, 'plugins');
  }

  private get stagingDir(): string {
    return join(this.options.workDir, 'plugins-staging');
  }

  /** Installs a package made by `mesolite plugin pack` and activates it. */
  install(tgz: Buffer): Promise<PluginInfo> {
    return this.serially(async () => {
      const staged = await this.stage(tgz);
      try {
        const name = staged.plugin.manifest.name;
        // Refused while a plugin of that name runs, built-in or not: that is an upgrade.
        if (this.options.host.plugin(name)) throw new PluginExistsError(name);
        // A folder no running plugin owns is what a broken package left: it is replaced.
        await rm(staged.plugin.dir, { recursive: true, force: true });
        await mkdir(this.pluginsDir, { recursive: true });
        await rename(staged.dir, staged.plugin.dir);
      } catch (err) {
        await rm(staged.dir, { recursive: true, force: true });
        throw err;
      }
      return this.options.host.add(staged.plugin);
    });
  }

  /**
   * Replaces plugin `name` with the package's version; it keeps its store namespace,
   * so its framework id, state and running tasks carry over.
   */
  upgrade(name: string, tgz: Buffer): Promise<PluginInfo> {
    return this.serially(async () => {
      const current = this.options.host.plugin(name);
      if (!current) throw new UnknownPluginError(name);
      const staged = await this.stage(tgz);
      const packaged = staged.plugin.manifest.name;
      if (packaged !== name) {
        await rm(staged.dir, { recursive: true, force: true });
        throw new PluginNameMismatchError(name, packaged);
      }
      return this.options.host.replace(staged.plugin, async () => {
        await mkdir(this.pluginsDir, { recursive: true });
        const previous = `${staged.dir}.previous`;
        // A built-in plugin's files are mesolite's own: the upgrade goes beside them.
        const moved = !current.builtIn && (await rename(current.dir, previous).then(() => true));
        try {
          await rename(staged.dir, staged.plugin.dir);
        } catch (err) {
          if (moved) await rename(previous, current.dir);
          await rm(staged.dir, { recursive: true, force: true });
          throw err;
        }
        await rm(previous, { recursive: true, force: true });
      });
    });
  }

  /**
   * Stops an installed plugin and deletes its files. Its store namespace is kept, so
   * its framework stays registered (its tasks run on until its failover timeout) and
   * installing it again resumes it.
   */
  remove(name: string): Promise<void> {
    return this.serially(async () => {
      const current = this.options.host.plugin(name);
      if (!current) throw new UnknownPluginError(name);
      if (current.builtIn) throw new BuiltInPluginError(name);
      await this.options.host.remove(name, () => rm(current.dir, { recursive: true, force: true }));
    });
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * What a daemon killed mid-operation left in staging: an upgrade's previous version
   * whose replacement never reached its place is put back; everything else is dropped.
   * Run before discovery, at start.
   */
  async recover(): Promise<void> {
    if (this.recovered) return;
    this.recovered = true;
    const entries = await readdir(this.stagingDir).catch(() => [] as string[]);
    for (const entry of entries) {
      const dir = join(this.stagingDir, entry);
      // A folder that cannot be dealt with now stays for the next start; it hides no plugin.
      await this.recoverEntry(dir).catch(() => undefined);
    }
  }

  private async recoverEntry(dir: string): Promise<void> {
    if (dir.endsWith('.previous')) {
      const text = await readFile(join(dir, 'package.json'), 'utf8');
      const home = join(this.pluginsDir, parseManifest(JSON.parse(text), dir).name);
      if (!(await exists(home))) {
        await mkdir(this.pluginsDir, { recursive: true });
        await rename(dir, home);
        return;
      }
    }
    await rm(dir, { recursive: true, force: true });
  }

  /** Unpacks and checks a package in a fresh staging folder; nothing else is touched. */
  private async stage(tgz: Buffer): Promise<Staged> {
    await this.recover();
    await mkdir(this.stagingDir, { recursive: true });
    const dir = await mkdtemp(join(this.stagingDir, 'package-'));
    try {
      await extractPluginPackage(tgz, dir, this.options.limits ?? DEFAULT_EXTRACTION_LIMITS);
      let packageJson: { version?: string };
      try {
        packageJson = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
          version?: string;
        };
      } catch (err) {
        throw new UnsafePluginPackageError(
          `its package/package.json cannot be read (${(err as Error).message})`,
        );
      }
      const manifest = parseManifest(packageJson, 'the uploaded package');
      for (const [field, path] of [
        ['entry', manifest.entry],
        ['cli', manifest.cli],
        ['ui', manifest.ui],
      ] as const) {
        if (path === undefined) continue;
        const normal = normalize(path);
        if (isAbsolute(normal) || normal.startsWith('..')) {
          throw new InvalidManifestError(
            'the uploaded package',
            `"${field}" (${path}) points outside the package`,
          );
        }
        await access(join(dir, normal)).catch(() => {
          throw new InvalidManifestError(
            'the uploaded package',
            `its "${field}" module ${path} is not in the package`,
          );
        });
      }
      await this.linkHostApi(dir);
      return {
        dir,
        plugin: {
          manifest,
          dir: join(this.pluginsDir, manifest.name),
          version: packageJson.version ?? '0.0.0',
          builtIn: false,
        },
      };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * A packed plugin imports `@mesolite/daemon/...` without bundling it: a link in the
   * plugin's own node_modules makes Node (and vitest) resolve those imports to this
   * daemon's package, and, through the link's real path, to the very modules the
   * daemon runs, so the plugin shares its classes and state rather than a copy.
   */
  private async linkHostApi(dir: string): Promise<void> {
    const scope = join(dir, 'node_modules', '@mesolite');
    await mkdir(scope, { recursive: true });
    const link = join(scope, 'daemon');
    await rm(link, { recursive: true, force: true });
    await symlink(DAEMON_PACKAGE_DIR, link, 'dir');
  }
}
