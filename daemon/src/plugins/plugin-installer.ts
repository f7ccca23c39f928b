/**
 * Installs, upgrades and removes plugins while the daemon runs. An uploaded package is
 * unpacked and checked in a staging folder beside WORK_DIR/plugins (same file system,
 * so moving it into place is one rename); only a package that passed every check
 * reaches WORK_DIR/plugins/<name>/, where discovery finds it again after a restart.
 * One operation runs at a time.
 *
 * A highly available master also keeps each package, as uploaded, in the replicated
 * store (package-replica.ts) before it acknowledges an install, upgrade or remove, and
 * at the start of each leadership term makes its work dir match that record
 * ({@link PluginInstaller.matchReplica}), so every master that leads runs the same
 * plugins. Without ZooKeeper the work dir is the only record, as it always was.
 */
import {
  access,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { MesoliteError } from '../errors.js';
import type { BrokenPlugin, DiscoveredPlugin } from './discovery.js';
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
import type { PackageReplica, PackageSwitch, ReplicatedPackage } from './package-replica.js';
import { type LocalPackage, planPackageSync } from './package-sync-plan.js';
import { type PluginHost, type PluginInfo, UnknownPluginError } from './plugin-host.js';

/** This daemon's own package, which provides `@mesolite/daemon` to installed plugins. */
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const DAEMON_PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Written into an installed plugin's folder when its package is in the replicated
 * record: the SHA-256 it was unpacked from, which says at the next term whether the
 * folder is still what the record holds. Its absence marks a folder the record does not
 * own, which is never deleted on the record's behalf.
 */
const REPLICA_MARKER = '.mesolite-package.json';

export interface PluginInstallerOptions {
  workDir: string;
  host: PluginHost;
  limits?: ExtractionLimits;
  /** The replicated record of installed packages, on a highly available master. */
  replica?: PackageReplica;
  logger?: Logger;
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
      let change: PackageSwitch | undefined;
      try {
        const name = staged.plugin.manifest.name;
        // Refused while a plugin of that name runs, built-in or not: that is an upgrade.
        if (this.options.host.plugin(name)) throw new PluginExistsError(name);
        change = await this.replicate(staged, tgz);
        // A folder no running plugin owns is what a broken package left: it is replaced.
        await rm(staged.plugin.dir, { recursive: true, force: true });
        await mkdir(this.pluginsDir, { recursive: true });
        await rename(staged.dir, staged.plugin.dir);
      } catch (err) {
        await rm(staged.dir, { recursive: true, force: true });
        if (change) await this.revert(change);
        throw err;
      }
      const info = await this.options.host.add(staged.plugin);
      await this.commit(change);
      return info;
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
      let change: PackageSwitch | undefined;
      try {
        change = await this.replicate(staged, tgz);
      } catch (err) {
        await rm(staged.dir, { recursive: true, force: true });
        throw err;
      }
      const swap = this.options.host.replace(staged.plugin, async () => {
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
      // The version that ran goes on running when the swap failed: so does its record.
      const info = await swap.catch(async (err: unknown) => {
        if (change) await this.revert(change);
        throw err;
      });
      await this.commit(change);
      return info;
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
      const replica = this.options.replica;
      if (!current) {
        // A package the record holds but this master could not install (damaged, or
        // refused by a check) is not running, and can still be removed from the record.
        if (!replica || !(await replica.has(name))) throw new UnknownPluginError(name);
        await replica.remove(name);
        await rm(join(this.pluginsDir, name), { recursive: true, force: true });
        return;
      }
      if (current.builtIn) throw new BuiltInPluginError(name);
      // Out of the record first: a master that leads next must not bring it back.
      await replica?.remove(name);
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

  /**
   * On a highly available master that has just been elected, before plugins load:
   * installs from the replicated record what the work dir lacks, replaces what differs
   * and removes what the record no longer holds, each package through the same checks as
   * an upload. A package that cannot be installed from the record is returned as broken
   * (and whatever stale copy was here removed), so the master reports it and runs the rest.
   */
  matchReplica(): Promise<BrokenPlugin[]> {
    const replica = this.options.replica;
    if (!replica) return Promise.resolve([]);
    return this.serially(async () => {
      await this.recover();
      const { records, damaged } = await replica.list();
      const broken: BrokenPlugin[] = [];
      const unreadable = new Set(damaged.map(({ name }) => name));
      for (const { name, problem } of damaged) {
        // Its folder here may well be the right version: it is left alone.
        broken.push({
          where: `the replicated record of plugin ${name}`,
          error: `its record cannot be read (${problem}); install it again`,
          code: 'MESOLITE_ERR_PLUGIN_PACKAGE_INTEGRITY',
        });
      }
      const local = (await this.localPackages()).filter(({ name }) => !unreadable.has(name));
      const plan = planPackageSync(records, local);
      const logger = this.options.logger;
      for (const name of plan.remove) {
        await rm(join(this.pluginsDir, name), { recursive: true, force: true });
        logger?.info({ plugin: name }, 'removed: the replicated record no longer holds it');
      }
      for (const name of [...plan.install, ...plan.replace]) {
        const record = records.find((candidate) => candidate.name === name);
        if (!record) continue;
        try {
          await this.installFromRecord(await replica.read(record), record);
          logger?.info(
            { plugin: name, version: record.version, sha256: record.sha256 },
            'installed from the replicated record',
          );
        } catch (err) {
          await rm(join(this.pluginsDir, name), { recursive: true, force: true });
          logger?.error({ err, plugin: name }, 'cannot install from the replicated record');
          broken.push({
            where: `the replicated package of plugin ${name}`,
            error: (err as Error).message,
            code: err instanceof MesoliteError ? err.code : 'MESOLITE_ERR_PLUGIN_LOAD',
          });
        }
      }
      for (const name of plan.unreplicated) {
        logger?.warn(
          { plugin: name },
          'installed in this work dir but not in the replicated record: it runs on this ' +
            'master only; install it with `mesolite plugin install` to run it on every master',
        );
      }
      // Chunks of an upload a crash cut short; the record is whole without them.
      await replica.sweep().catch((err: unknown) => {
        logger?.warn({ err }, 'could not delete unused replicated package chunks');
      });
      return broken;
    });
  }

  /** The installed folders of the work dir, with the package hash each was unpacked from. */
  private async localPackages(): Promise<LocalPackage[]> {
    const entries = await readdir(this.pluginsDir, { withFileTypes: true }).catch(() => []);
    const local: LocalPackage[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const marker = await readFile(join(this.pluginsDir, entry.name, REPLICA_MARKER), 'utf8')
        .then((text) => (JSON.parse(text) as { sha256?: unknown }).sha256)
        .catch(() => undefined);
      local.push({ name: entry.name, sha256: typeof marker === 'string' ? marker : undefined });
    }
    return local;
  }

  private async installFromRecord(tgz: Buffer, record: ReplicatedPackage): Promise<void> {
    const staged = await this.stage(tgz);
    try {
      if (staged.plugin.manifest.name !== record.name) {
        throw new PluginNameMismatchError(record.name, staged.plugin.manifest.name);
      }
      await this.mark(staged.dir, record);
      await mkdir(this.pluginsDir, { recursive: true });
      const previous = `${staged.dir}.previous`;
      // Kept aside, not deleted, until the new version is in place: recover() puts it back.
      const moved = await rename(staged.plugin.dir, previous).then(
        () => true,
        () => false,
      );
      try {
        await rename(staged.dir, staged.plugin.dir);
      } catch (err) {
        if (moved) await rename(previous, staged.plugin.dir);
        throw err;
      }
      await rm(previous, { recursive: true, force: true });
    } finally {
      await rm(staged.dir, { recursive: true, force: true });
    }
  }

  /** With a replica: the package into the record, and the staged folder marked as from it. */
  private async replicate(staged: Staged, tgz: Buffer): Promise<PackageSwitch | undefined> {
    const replica = this.options.replica;
    if (!replica) return undefined;
    const change = await replica.write(staged.plugin.manifest.name, staged.plugin.version, tgz);
    try {
      await this.mark(staged.dir, change.record);
    } catch (err) {
      await this.revert(change);
      throw err;
    }
    return change;
  }

  private mark(dir: string, record: ReplicatedPackage): Promise<void> {
    return writeFile(
      join(dir, REPLICA_MARKER),
      `${JSON.stringify({ name: record.name, version: record.version, sha256: record.sha256 })}\n`,
    );
  }

  /** The new package is in use: the chunks it replaced go (or are swept at the next term). */
  private async commit(change: PackageSwitch | undefined): Promise<void> {
    if (!change) return;
    await this.options.replica?.commit(change).catch((err: unknown) => {
      this.options.logger?.warn({ err, plugin: change.record.name }, 'old package chunks kept');
    });
  }

  /** The operation failed here after the record changed: the record goes back. */
  private async revert(change: PackageSwitch): Promise<void> {
    await this.options.replica?.revert(change).catch((err: unknown) => {
      this.options.logger?.error(
        { err, plugin: change.record.name },
        'could not restore the replicated record of a failed plugin operation',
      );
    });
  }

  /** Unpacks and checks a package in a fresh staging folder; nothing else is touched. */
  private async stage(tgz: Buffer): Promise<Staged> {
    await this.recover();
    await mkdir(this.stagingDir, { recursive: true });
    const dir = await mkdtemp(join(this.stagingDir, 'package-'));
    try {
      await extractPluginPackage(tgz, dir, this.options.limits ?? DEFAULT_EXTRACTION_LIMITS);
      // Only the installer says where a folder came from; a package cannot claim it.
      await rm(join(dir, REPLICA_MARKER), { force: true, recursive: true });
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
