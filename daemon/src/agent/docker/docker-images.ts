/**
 * The images an agent's Docker engine holds, and `docker load` of a tarball the master
 * serves: what the catalog's image check and `mesolite image import` ask an agent for.
 */
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { createLogger, type Logger } from '../../logger.js';
import {
  DockerEngineError,
  DockerUnavailableError,
  engineMessage,
  engineStatus,
  ImageImportError,
} from './docker-errors.js';
import { openTarball } from './tarball-source.js';

export interface DockerImagesOptions {
  docker?: Docker;
  logger?: Logger;
  /** The master's CA (PEM), for a tarball served over https. */
  ca?: string | undefined;
  /** Bound on a whole import, download and load (default 10 minutes). */
  importTimeoutMs?: number;
}

const DEFAULT_IMPORT_TIMEOUT_MS = 10 * 60_000;

/** `docker load` reports one JSON object a line; the loaded names come as "Loaded image: x". */
interface LoadEvent {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

const LOADED = /^Loaded image(?: ID)?: (\S+)/;

/** The names a `docker load` output reports, or the error it ended with. */
export function parseLoadOutput(output: string): { loaded: string[]; error?: string } {
  const loaded: string[] = [];
  let error: string | undefined;
  for (const line of output.split('\n')) {
    let event: LoadEvent;
    try {
      event = JSON.parse(line) as LoadEvent;
    } catch {
      continue;
    }
    const failure = event.errorDetail?.message ?? event.error;
    if (failure) error = failure;
    const match = LOADED.exec((event.stream ?? '').trim());
    if (match?.[1]) loaded.push(match[1]);
  }
  return error === undefined ? { loaded } : { loaded, error };
}

/** A failure to reach the engine at all (no socket, nothing listening) rather than an engine answer. */
function unreachable(err: unknown): boolean {
  return engineStatus(err) === undefined;
}

export class DockerImages {
  private readonly docker: Docker;
  private readonly logger: Logger;

  constructor(private readonly options: DockerImagesOptions = {}) {
    this.docker = options.docker ?? new Docker();
    this.logger = options.logger ?? createLogger('silent');
  }

  /** Every repo tag on the engine (`busybox:latest`); untagged images have none. */
  async list(): Promise<string[]> {
    let images: Docker.ImageInfo[];
    try {
      images = await this.docker.listImages();
    } catch (err) {
      if (unreachable(err)) throw new DockerUnavailableError(engineMessage(err));
      throw new DockerEngineError('list images', engineMessage(err));
    }
    const tags = images.flatMap((image) => image.RepoTags ?? []);
    return [...new Set(tags.filter((tag) => tag !== '<none>:<none>'))].sort();
  }

  /** Streams the tarball at `url` into `docker load`; resolves with the names it loaded. */
  async importFrom(url: string, authorization?: string): Promise<string[]> {
    const signal = AbortSignal.timeout(this.options.importTimeoutMs ?? DEFAULT_IMPORT_TIMEOUT_MS);
    try {
      await this.docker.ping();
    } catch (err) {
      throw new DockerUnavailableError(engineMessage(err));
    }
    const tarball = await openTarball(url, { authorization, ca: this.options.ca, signal });
    let output = '';
    try {
      const stream = (await this.docker.loadImage(tarball)) as Readable;
      for await (const chunk of stream) output += String(chunk);
    } catch (err) {
      tarball.destroy();
      throw new ImageImportError(`docker load failed: ${engineMessage(err)}`);
    }
    const result = parseLoadOutput(output);
    if (result.error !== undefined)
      throw new ImageImportError(`docker load failed: ${result.error}`);
    if (result.loaded.length === 0) {
      throw new ImageImportError(
        'docker load reported no image; is the file a `docker save` tarball?',
      );
    }
    this.logger.info({ url, loaded: result.loaded }, 'imported images');
    return result.loaded;
  }
}
