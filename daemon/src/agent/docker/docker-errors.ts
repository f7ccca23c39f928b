/**
 * Errors of the Docker containerizer, declared once with stable codes, and the one
 * place that reads the Docker engine's own errors (dockerode rejects with an Error that
 * carries the HTTP status and the engine's JSON body).
 */
import { defineError } from '../../errors.js';

export const DockerUnavailableError = defineError(
  'MESOLITE_ERR_DOCKER_UNAVAILABLE',
  503,
  (detail: string) => `Docker engine is not available on this agent: ${detail}`,
);

/** Mesos's wording for a ContainerInfo it cannot turn into `docker run` options. */
export const DockerRunOptionsError = defineError(
  'MESOLITE_ERR_DOCKER_RUN_OPTIONS',
  400,
  (problem: string) => `Failed to create docker run options: ${problem}`,
);

export const ImagePullError = defineError(
  'MESOLITE_ERR_DOCKER_IMAGE_PULL',
  500,
  (image: string, detail: string) => `Failed to pull image '${image}': ${detail}`,
);

export const DockerStartError = defineError(
  'MESOLITE_ERR_DOCKER_START',
  500,
  (name: string, detail: string) => `Docker could not start container '${name}': ${detail}`,
);

export const DockerCheckpointError = defineError(
  'MESOLITE_ERR_DOCKER_CHECKPOINT',
  400,
  (problem: string) => `Cannot recover a Docker container from this checkpoint: ${problem}`,
);

export const DockerEngineError = defineError(
  'MESOLITE_ERR_DOCKER_ENGINE',
  502,
  (what: string, detail: string) => `The Docker engine failed to ${what}: ${detail}`,
);

interface EngineErrorShape {
  statusCode?: unknown;
  json?: unknown;
  message?: unknown;
}

/** The HTTP status the engine answered with, when the error came from an answer at all. */
export function engineStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const status = (err as EngineErrorShape).statusCode;
  return typeof status === 'number' ? status : undefined;
}

export function isNotFound(err: unknown): boolean {
  return engineStatus(err) === 404;
}

/**
 * The engine's own message ("No such image: x", "OCI runtime create failed: ..."),
 * without dockerode's "(HTTP code 500) server error - " prefix, which tells a user nothing.
 */
export function engineMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { json, message } = err as EngineErrorShape;
    if (typeof json === 'object' && json !== null) {
      const inner = (json as { message?: unknown }).message;
      if (typeof inner === 'string' && inner.trim()) return inner.trim();
    }
    if (typeof message === 'string') {
      return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim() || message;
    }
  }
  return String(err);
}

export const ImageImportError = defineError(
  'MESOLITE_ERR_DOCKER_IMAGE_IMPORT',
  502,
  (detail: string) => `Could not import the image tarball: ${detail}`,
);
