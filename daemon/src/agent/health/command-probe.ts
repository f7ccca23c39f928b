/**
 * COMMAND health checks: the containerizer runs the command in the task's context
 * (cwd, environment, namespaces); exit status 0 is healthy, anything else is not.
 */
import type { CommandInfo } from '../../protocol/mesos.js';
import type { ProbeSpec } from './health-check-config.js';
import type { Probe } from './probe.js';

/** How the containerizer runs a check command (RunningContainer.runCheck's shape). */
export type RunCheckCommand = (
  command: CommandInfo,
  timeoutMs: number,
) => Promise<{ exitCode: number | null; output: string }>;

/** setTimeout's largest delay: what "no timeout" becomes for a callee that sets a timer. */
export const NO_TIMEOUT_MS = 2_147_483_647;

type CommandSpec = Extract<ProbeSpec, { type: 'COMMAND' }>;

/** The end of the command's output, so a failure message shows why without flooding a status. */
function lastLine(output: string): string {
  const lines = output.trim().split('\n');
  const last = lines[lines.length - 1]?.trim() ?? '';
  return last.length > 200 ? `${last.slice(0, 200)}…` : last;
}

export function commandProbe(spec: CommandSpec, run: RunCheckCommand, timeoutMs: number): Probe {
  return async () => {
    const { exitCode, output } = await run(spec.command, timeoutMs > 0 ? timeoutMs : NO_TIMEOUT_MS);
    if (exitCode === 0) return { healthy: true };
    const detail = lastLine(output);
    const reason =
      exitCode === null
        ? 'Command was terminated by a signal'
        : `Command exited with status ${exitCode}`;
    return { healthy: false, reason: detail ? `${reason}: ${detail}` : reason };
  };
}
