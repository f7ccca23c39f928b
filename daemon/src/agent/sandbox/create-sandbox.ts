/**
 * Creates a run's sandbox and points the executor's `runs/latest` at it, as Mesos's
 * paths::createExecutorDirectory does.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MesoliteError } from '../../errors.js';
import { SandboxCreateError } from './sandbox-errors.js';
import { LATEST_SYMLINK, type SandboxIds, sandboxPath } from './sandbox-paths.js';

/** The sandbox's permissions: readable by everyone on the machine, writable by the agent's user. */
export const SANDBOX_MODE = 0o755;

export interface CreateSandboxOptions {
  /** The run directory's mode; {@link SANDBOX_MODE} unless given (Mesos itself uses 0750). */
  mode?: number;
}

/** Creates `…/runs/<container_id>/` (and its parents) and returns its absolute path. */
export async function createSandbox(
  workDir: string,
  ids: SandboxIds,
  options: CreateSandboxOptions = {},
): Promise<string> {
  const directory = sandboxPath(workDir, ids);
  const mode = options.mode ?? SANDBOX_MODE;
  try {
    await makeDirectory(directory, mode);
    // mkdir's mode passes through the umask; the sandbox's mode should not depend on it.
    await chmod(directory, mode);
    await pointLatestAt(directory);
  } catch (error) {
    if (error instanceof MesoliteError) throw error;
    throw new SandboxCreateError(directory, (error as Error).message);
  }
  return directory;
}

async function makeDirectory(directory: string, mode: number): Promise<void> {
  try {
    await mkdir(directory, { recursive: true, mode });
  } catch (error) {
    // Garbage collection removes empty parents; if it removed one while mkdir was
    // walking down, walking down again succeeds.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(directory, { recursive: true, mode });
  }
}

/**
 * Mesos removes `latest` and creates it again; making the new link under another name
 * and renaming it over `latest` replaces it atomically, so a reader never finds none.
 * The temporary name contains a ".", which no container id may, so it is never taken
 * for a run.
 */
async function pointLatestAt(directory: string): Promise<void> {
  const runs = dirname(directory);
  const temporary = join(runs, `.${LATEST_SYMLINK}.${randomUUID()}`);
  await symlink(directory, temporary);
  try {
    await rename(temporary, join(runs, LATEST_SYMLINK));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
