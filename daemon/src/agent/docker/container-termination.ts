/**
 * How a Docker container ended, in Mesos's terms: its exit status in the docker
 * executor's words, the memory limitation when the kernel's OOM killer ended it, and,
 * for a command that never ran, the shell's own explanation from its stderr.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { ContainerTermination } from '../containerizer.js';
import type { DockerContainerState } from './docker-checkpoint.js';
import { lastLineSince } from './sandbox-logs.js';

/** Shells' statuses for a command that is not there (127) or cannot be executed (126). */
const COMMAND_NOT_RUN = new Set([126, 127]);

/**
 * How a container ended, worded as Mesos's docker executor words it ("Container exited
 * with status N"), followed by the engine's error or the line that explains the status.
 */
export function terminationOf(
  exitCode: number,
  oomKilled: boolean,
  memoryLimitBytes: number | undefined,
  explanation?: string,
): ContainerTermination {
  const exited = `Container exited with status ${exitCode}`;
  const detail = explanation ? `: ${explanation}` : '';
  if (oomKilled) {
    const limit =
      memoryLimitBytes !== undefined ? ` of ${Math.round(memoryLimitBytes / 1024 / 1024)} MB` : '';
    return {
      exitCode,
      reason: 'REASON_CONTAINER_LIMITATION_MEMORY',
      message: `Memory limit${limit} exceeded: the kernel's OOM killer ended the container. ${exited}${detail}`,
    };
  }
  return { exitCode, message: `${exited}${detail}` };
}

/** For a command that did not run, the shell's own words from the container's stderr. */
export async function explainExit(
  exitCode: number,
  state: Pick<DockerContainerState, 'sandbox' | 'logStart'>,
): Promise<string | undefined> {
  if (!COMMAND_NOT_RUN.has(exitCode)) return undefined;
  return lastLineSince(state.sandbox, 'stderr', state.logStart.stderr);
}

/** SIGKILL's exit status, which the kernel's OOM killer produces. */
const KILLED_STATUS = 137;
/** How long a late OOM event is waited for, in steps. */
const OOM_EVENT_POLLS = 10;
const OOM_EVENT_POLL_MS = 100;

/**
 * Whether the engine says the kernel's OOM killer ended the container. The engine learns
 * of the OOM from an event of its own that can be handled after the exit it caused, so
 * a SIGKILLed container with a memory limit gets a short while for that event to land.
 */
export async function wasOomKilled(
  container: Docker.Container,
  exitCode: number,
  memoryLimitBytes: number | undefined,
): Promise<boolean> {
  const polls = exitCode === KILLED_STATUS && memoryLimitBytes !== undefined ? OOM_EVENT_POLLS : 1;
  for (let poll = 0; poll < polls; poll++) {
    if (poll > 0) await sleep(OOM_EVENT_POLL_MS);
    const info = await container.inspect().catch(() => undefined);
    if (info?.State.OOMKilled === true) return true;
  }
  return false;
}
