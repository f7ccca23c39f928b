/**
 * The three virtual paths under which Mesos's agent attaches a run's sandbox
 * (Slave::_launch and Framework::recoverExecutor): its real path, the executor's
 * `…/runs/latest`, and the short `/frameworks/<fw>/executors/<ex>/runs/latest`.
 * The `latest` paths point at the run itself, so they follow the newest attached run.
 */
import { dirname, join, resolve } from 'node:path';
import { LATEST_SYMLINK, type SandboxIds, virtualLatestPath } from '../sandbox/sandbox-paths.js';
import type { FilesRegistry } from './files-registry.js';

export interface SandboxAttachment {
  /** The virtual paths attached, real path first. */
  readonly virtualPaths: readonly string[];
  /** Detaches them, leaving `latest` paths that a newer run has taken over. */
  detach(): void;
}

/** Attaches the sandbox at `sandbox` (the run directory of `ids`) to `registry`. */
export function attachSandbox(
  registry: FilesRegistry,
  ids: Pick<SandboxIds, 'frameworkId' | 'executorId'>,
  sandbox: string,
): SandboxAttachment {
  const directory = resolve(sandbox);
  const virtualPaths = [
    directory,
    join(dirname(directory), LATEST_SYMLINK),
    virtualLatestPath(ids),
  ];
  for (const virtualPath of virtualPaths) registry.attach(virtualPath, directory);
  return {
    virtualPaths,
    detach() {
      for (const virtualPath of virtualPaths) registry.detach(virtualPath, directory);
    },
  };
}
