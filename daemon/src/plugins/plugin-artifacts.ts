/**
 * Plugin artifacts: files a plugin's tasks need on whichever agent runs them (Aurora's
 * Thermos runner, for one), fetched through the Mesos fetcher like any other URI. The
 * master serves them at
 *
 *   /mesolite/v1/plugins/<plugin>/artifacts/<sha256>/<name>
 *
 * beside the plugin's UI files, not under /service/<plugin>/, which is the plugin's own
 * HTTP scope: the daemon serves them itself, with a credential check of its own that
 * lets agents in. The content hash in the path gives each version its own URI, so the
 * agent's fetch cache, keyed by URI as Mesos's is, never hands a task the file of an
 * earlier version; the name comes last because the fetcher names the copy after it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { reachableOrigin } from '../tls/lan-addresses.js';
import {
  ArtifactFileError,
  InvalidArtifactNameError,
  UndeclaredArtifactError,
  UnknownArtifactError,
} from './artifact-errors.js';
import type { PluginArtifact, PluginArtifacts } from './plugin-api.js';

/** A file name: the fetcher takes the URI's last segment as the name of the copy. */
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isArtifactName(name: string): boolean {
  return ARTIFACT_NAME.test(name);
}

/** Where an artifact is published; answers the URI agents fetch it from. */
export type ArtifactPublisher = (artifact: {
  readonly plugin: string;
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
}) => Promise<string>;

export function artifactPath(plugin: string, sha256: string, name: string): string {
  return `/mesolite/v1/plugins/${encodeURIComponent(plugin)}/artifacts/${sha256}/${encodeURIComponent(name)}`;
}

/** Published by the daemon's own HTTP server (plugin-artifact-routes.ts). */
export function servedByMaster(masterUrl: () => string): ArtifactPublisher {
  return async ({ plugin, name, sha256 }) =>
    `${reachableOrigin(masterUrl())}${artifactPath(plugin, sha256, name)}`;
}

/**
 * For a plugin run on its own (`mesolite plugin run`), which has no master serving its
 * files: a copy under `dir` named by its hash, as a file:// URI, which agents on the same
 * machine can fetch and cache as safely as the master's URIs.
 */
export function copiedInto(dir: string): ArtifactPublisher {
  return async ({ plugin, name, path, sha256 }) => {
    const folder = join(dir, plugin, sha256);
    const target = join(folder, name);
    if (!(await stat(target).catch(() => undefined))?.isFile()) {
      await mkdir(folder, { recursive: true });
      // Copied beside its final name, then renamed, so a fetch never sees half a file.
      const partial = `${target}.partial-${process.pid}`;
      try {
        await copyFile(path, partial);
        await rename(partial, target);
      } finally {
        await rm(partial, { force: true });
      }
    }
    return pathToFileURL(target).href;
  };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

interface Entry extends PluginArtifact {
  readonly path: string;
  mtimeMs: number;
}

/** A file the route may send: what it is and how big, checked against the URI's hash. */
export interface ServedFile {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

/** Every plugin's artifacts, as their plugins served them; the route reads from here. */
export class ArtifactRegistry {
  readonly #entries = new Map<string, Map<string, Entry>>();
  readonly #publish: ArtifactPublisher;

  constructor(publish: ArtifactPublisher) {
    this.#publish = publish;
  }

  /**
   * Hashes and publishes `path` as the plugin's artifact `name`, replacing an earlier
   * version of it.
   * @throws {InvalidArtifactNameError} {ArtifactFileError}
   */
  async serve(plugin: string, name: string, path: string): Promise<PluginArtifact> {
    if (!isArtifactName(name)) throw new InvalidArtifactNameError(plugin, name);
    if (!isAbsolute(path)) {
      throw new ArtifactFileError(plugin, name, path, 'give an absolute path');
    }
    let facts: Awaited<ReturnType<typeof stat>>;
    try {
      facts = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new ArtifactFileError(
        plugin,
        name,
        path,
        code === 'ENOENT' ? 'there is no such file (build it first)' : String(code),
      );
    }
    if (!facts.isFile()) throw new ArtifactFileError(plugin, name, path, 'it is not a file');
    const sha256 = await sha256OfFile(path);
    const uri = await this.#publish({ plugin, name, path, sha256 });
    const entry: Entry = { name, uri, sha256, size: facts.size, path, mtimeMs: facts.mtimeMs };
    let entries = this.#entries.get(plugin);
    if (entries === undefined) {
      entries = new Map();
      this.#entries.set(plugin, entries);
    }
    entries.set(name, entry);
    return { name, uri, sha256, size: facts.size };
  }

  get(plugin: string, name: string): PluginArtifact | undefined {
    const entry = this.#entries.get(plugin)?.get(name);
    return entry && { name: entry.name, uri: entry.uri, sha256: entry.sha256, size: entry.size };
  }

  /**
   * The file behind an artifact URI, as long as it still holds the content the URI's hash
   * names (a file rebuilt in place is hashed again).
   * @throws {UnknownArtifactError}
   */
  async resolve(plugin: string, sha256: string, name: string): Promise<ServedFile> {
    const entry = this.#entries.get(plugin)?.get(name);
    if (entry === undefined || entry.sha256 !== sha256)
      throw new UnknownArtifactError(plugin, name);
    const facts = await stat(entry.path).catch(() => undefined);
    if (!facts?.isFile()) throw new UnknownArtifactError(plugin, name);
    if (facts.size !== entry.size || facts.mtimeMs !== entry.mtimeMs) {
      if ((await sha256OfFile(entry.path)) !== sha256) throw new UnknownArtifactError(plugin, name);
      entry.mtimeMs = facts.mtimeMs;
    }
    return { path: entry.path, size: facts.size, sha256 };
  }

  /** A stopped plugin's artifacts are no longer served. */
  forget(plugin: string): void {
    this.#entries.delete(plugin);
  }

  /**
   * Serves the artifacts a manifest declares, paths relative to the package, before the
   * plugin's `activate` runs, so that `get` needs no await.
   * @throws {ArtifactFileError} for a path outside the package or a missing file.
   */
  async serveDeclared(
    plugin: string,
    dir: string,
    declared: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    for (const [name, relative] of Object.entries(declared)) {
      if (isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) {
        throw new ArtifactFileError(plugin, name, relative, 'it must be a path inside the package');
      }
      await this.serve(plugin, name, join(dir, relative));
    }
  }

  /** The `context.artifacts` a plugin gets. */
  view(plugin: string): PluginArtifacts {
    return {
      get: (name) => {
        const artifact = this.get(plugin, name);
        if (artifact === undefined) throw new UndeclaredArtifactError(plugin, name);
        return artifact;
      },
      serve: (name, absolutePath) => this.serve(plugin, name, absolutePath),
    };
  }
}
