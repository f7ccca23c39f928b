/**
 * Where a run's sandbox lives, exactly as Mesos lays it out (src/slave/paths.cpp):
 *
 *   <work_dir>/agents/<agent_id>/frameworks/<framework_id>/executors/<executor_id>/runs/<container_id>/
 *
 * with a `latest` symlink in `runs/` to the newest run. A command task's executor id
 * is its task id. Every id is checked before it becomes a path component, so no id can
 * point a path outside the work dir.
 */
import { Buffer } from 'node:buffer';
import { join, relative, resolve, sep } from 'node:path';
import { InvalidSandboxIdError } from './sandbox-errors.js';

export const AGENTS_DIR = 'agents';
export const FRAMEWORKS_DIR = 'frameworks';
export const EXECUTORS_DIR = 'executors';
export const RUNS_DIR = 'runs';
export const LATEST_SYMLINK = 'latest';

/** Mesos's NAME_MAX check in validateID and MAX_CONTAINER_ID_LENGTH. */
const MAX_ID_BYTES = 255;
const MAX_CONTAINER_ID_BYTES = 242;

export interface SandboxIds {
  agentId: string;
  frameworkId: string;
  executorId: string;
  containerId: string;
}

export type ExecutorIds = Omit<SandboxIds, 'containerId'>;
export type FrameworkIds = Pick<SandboxIds, 'agentId' | 'frameworkId'>;

/** `<work_dir>/agents`: everything the agent lays down for tasks is under it. */
export function agentsRoot(workDir: string): string {
  return join(resolve(workDir), AGENTS_DIR);
}

export function agentPath(workDir: string, agentId: string): string {
  return join(agentsRoot(workDir), checkId('agent id', agentId));
}

export function frameworkPath(workDir: string, ids: FrameworkIds): string {
  return join(
    agentPath(workDir, ids.agentId),
    FRAMEWORKS_DIR,
    checkId('framework id', ids.frameworkId),
  );
}

export function executorPath(workDir: string, ids: ExecutorIds): string {
  return join(frameworkPath(workDir, ids), EXECUTORS_DIR, checkId('executor id', ids.executorId));
}

export function runsPath(workDir: string, ids: ExecutorIds): string {
  return join(executorPath(workDir, ids), RUNS_DIR);
}

/** The run's sandbox: the task's cwd, where its stdout and stderr go. */
export function sandboxPath(workDir: string, ids: SandboxIds): string {
  return join(runsPath(workDir, ids), checkContainerId(ids.containerId));
}

/** `…/runs/latest`, the symlink to the executor's newest run (Mesos's getExecutorLatestRunPath). */
export function latestRunPath(workDir: string, ids: ExecutorIds): string {
  return join(runsPath(workDir, ids), LATEST_SYMLINK);
}

/**
 * `/frameworks/<fw>/executors/<ex>/runs/latest`: the short virtual path under which
 * Mesos's agent also attaches an executor's newest sandbox to the files API
 * (getExecutorVirtualPath).
 */
export function virtualLatestPath(ids: Pick<SandboxIds, 'frameworkId' | 'executorId'>): string {
  return [
    '',
    FRAMEWORKS_DIR,
    checkId('framework id', ids.frameworkId),
    EXECUTORS_DIR,
    checkId('executor id', ids.executorId),
    RUNS_DIR,
    LATEST_SYMLINK,
  ].join('/');
}

/**
 * The ids of a sandbox path under `workDir`, or undefined when `path` is not a run
 * directory laid out as above (including a `latest` link, which is not a run).
 */
export function parseSandboxPath(workDir: string, path: string): SandboxIds | undefined {
  const rel = relative(agentsRoot(workDir), resolve(path));
  const parts = rel.split(sep);
  if (parts.length !== 7) return undefined;
  const [agentId, frameworks, frameworkId, executors, executorId, runs, containerId] = parts;
  if (
    agentId === undefined ||
    frameworkId === undefined ||
    executorId === undefined ||
    containerId === undefined ||
    frameworks !== FRAMEWORKS_DIR ||
    executors !== EXECUTORS_DIR ||
    runs !== RUNS_DIR ||
    containerId === LATEST_SYMLINK
  ) {
    return undefined;
  }
  const problem =
    idProblem(agentId) ??
    idProblem(frameworkId) ??
    idProblem(executorId) ??
    containerIdProblem(containerId);
  return problem === undefined ? { agentId, frameworkId, executorId, containerId } : undefined;
}

/** Throws MESOLITE_ERR_INVALID_SANDBOX_ID unless `id` is safe as one path component. */
export function checkId(kind: string, id: string): string {
  const problem = idProblem(id);
  if (problem !== undefined) throw new InvalidSandboxIdError(kind, id, problem);
  return id;
}

function checkContainerId(id: string): string {
  const problem = containerIdProblem(id);
  if (problem !== undefined) throw new InvalidSandboxIdError('container id', id, problem);
  return id;
}

/** Mesos's common::validation::validateID. */
function idProblem(id: string): string | undefined {
  if (id === '') return 'it is empty';
  if (Buffer.byteLength(id) > MAX_ID_BYTES) return `it is longer than ${MAX_ID_BYTES} bytes`;
  if (id === '.' || id === '..') return 'it is a special path component';
  // Control characters, and both path separators, as Mesos forbids them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f/\\]/.test(id)) return 'it contains invalid characters';
  return undefined;
}

/** Mesos's slave::validation::container::validateContainerId, for a top-level container. */
function containerIdProblem(id: string): string | undefined {
  const common = idProblem(id);
  if (common !== undefined) return common;
  if (Buffer.byteLength(id) > MAX_CONTAINER_ID_BYTES) {
    return `it is longer than ${MAX_CONTAINER_ID_BYTES} bytes`;
  }
  // Mesos writes nested container ids as <parent>.<child>, and spaces confuse logs.
  if (/[. ]/.test(id)) return 'a container id contains no "." or space';
  return undefined;
}
