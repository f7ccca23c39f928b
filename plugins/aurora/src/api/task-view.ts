/**
 * A task as the API shows it, and its processes as the runner checkpointed them in the
 * sandbox (read through the agent's files API), with a link to each run's logs.
 */

import type { TaskRecord } from '../state/records.js';
import type { RunnerState } from '../thermos/runner-state.js';
import { CHECKPOINT_PATH, LOG_DIR } from '../thermos/runner-state.js';

export function taskJson(task: TaskRecord) {
  return {
    taskId: task.taskId,
    jobKey: task.jobKey,
    instance: task.instance,
    status: task.status,
    events: task.events,
    version: task.version,
    generation: task.generation,
    failureCount: task.failureCount,
    ports: task.ports,
    ...(task.host === undefined ? {} : { host: task.host }),
    ...(task.agentId === undefined ? {} : { agentId: task.agentId }),
    ...(task.healthy === undefined ? {} : { healthy: task.healthy }),
    ...(task.message === undefined ? {} : { message: task.message }),
  };
}

/** The sandbox's virtual path in the agent's files API (Mesos's executor `latest` run). */
export function sandboxPath(frameworkId: string, taskId: string): string {
  return `/frameworks/${frameworkId}/executors/${taskId}/runs/latest`;
}

export interface ProcessView {
  readonly name: string;
  readonly state: string;
  readonly runs: readonly {
    readonly run: number;
    readonly state: string;
    readonly return_code?: number;
    readonly start_time?: number;
    readonly stop_time?: number;
    readonly stdout: string;
    readonly stderr: string;
  }[];
}

export function processViews(
  state: RunnerState,
  filesBase: string,
  sandbox: string,
): ProcessView[] {
  const link = (name: string, run: number, stream: string) =>
    `${filesBase}/files/read?path=${encodeURIComponent(`${sandbox}/${LOG_DIR}/${name}/${run}/${stream}`)}&offset=0`;
  return Object.entries(state.processes).map(([name, runs]) => ({
    name,
    state: runs.at(-1)?.state ?? 'WAITING',
    runs: runs.map((run) => ({
      run: run.run,
      state: run.state,
      ...(run.return_code === undefined ? {} : { return_code: run.return_code }),
      ...(run.start_time === undefined ? {} : { start_time: run.start_time }),
      ...(run.stop_time === undefined ? {} : { stop_time: run.stop_time }),
      stdout: link(name, run.run, 'stdout'),
      stderr: link(name, run.run, 'stderr'),
    })),
  }));
}

/**
 * Reads the runner's checkpoint from the agent through the master, with `fetch` (the
 * plugin's own, which carries its credential); undefined while there is none.
 */
export async function readRunnerState(
  fetch: (url: string) => Promise<Response>,
  filesBase: string,
  sandbox: string,
): Promise<RunnerState | undefined> {
  const path = encodeURIComponent(`${sandbox}/${CHECKPOINT_PATH}`);
  const response = await fetch(`${filesBase}/files/read?path=${path}&offset=0&length=4194304`);
  if (!response.ok) return undefined;
  const { data } = (await response.json()) as { data: string };
  return data === '' ? undefined : (JSON.parse(data) as RunnerState);
}
