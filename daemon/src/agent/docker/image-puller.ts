/**
 * Making sure the image is on the engine before a container is created: use the local
 * image unless force_pull_image asks for a pull, otherwise pull it, with a bound on how
 * long the pull may take, since an unreachable registry can leave a pull hanging and a
 * task stuck in STAGING is worse than one that fails with the reason.
 */
import type Docker from 'dockerode';
import type { Logger } from '../../logger.js';
import { DockerEngineError, engineMessage, ImagePullError, isNotFound } from './docker-errors.js';

export interface EnsureImageOptions {
  forcePull: boolean;
  timeoutMs: number;
  logger: Logger;
}

/** The engine's pull progress is one JSON object a line; a failed pull says so in one of them. */
interface PullEvent {
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

function parseEvent(line: string): PullEvent | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as PullEvent) : undefined;
  } catch {
    return undefined;
  }
}

export async function isImagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new DockerEngineError(`inspect image '${image}'`, engineMessage(err));
  }
}

export async function pullImage(
  docker: Docker,
  image: string,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const seconds = Math.round(timeoutMs / 100) / 10;
  const timedOut = () =>
    new ImagePullError(
      image,
      `no result within ${seconds}s; check that this agent can reach the image's registry`,
    );
  try {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.pull(image, { abortSignal: abort.signal });
    } catch (err) {
      if (abort.signal.aborted) throw timedOut();
      throw new ImagePullError(image, engineMessage(err));
    }
    let pending = '';
    let failure: string | undefined;
    try {
      for await (const chunk of stream) {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const event = parseEvent(line.trim());
          if (!event) continue;
          if (event.error || event.errorDetail?.message) {
            failure = event.errorDetail?.message ?? event.error;
          } else if (event.status) {
            logger.debug({ image, status: event.status }, 'pulling image');
          }
        }
      }
    } catch (err) {
      if (abort.signal.aborted) throw timedOut();
      throw new ImagePullError(image, engineMessage(err));
    }
    if (failure) throw new ImagePullError(image, failure);
  } finally {
    clearTimeout(timer);
  }
  // A pull that ended without an error event but left no image would fail later, less clearly.
  if (!(await isImagePresent(docker, image))) {
    throw new ImagePullError(image, 'the engine reported no error, yet the image is not there');
  }
}

export async function ensureImage(
  docker: Docker,
  image: string,
  options: EnsureImageOptions,
): Promise<void> {
  if (!options.forcePull && (await isImagePresent(docker, image))) return;
  options.logger.info({ image, forcePull: options.forcePull }, 'pulling image');
  await pullImage(docker, image, options.timeoutMs, options.logger);
}
