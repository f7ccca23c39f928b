/**
 * A COMMAND check run inside the task's container (`docker exec`), so it sees what the
 * task sees: its filesystem, its environment, its network namespace. Bounded by the
 * check's timeout; a check that outlives it is killed rather than left to pile up.
 */
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from '../../logger.js';
import type { CommandInfo } from '../../protocol/mesos.js';
import { engineMessage } from './docker-errors.js';
import { LogFrameDemuxer } from './log-frames.js';

export interface CheckResult {
  exitCode: number | null;
  output: string;
}

/** Enough output to say why a check failed, without holding a chatty check's whole output. */
const MAX_OUTPUT_BYTES = 4096;

/** The argv of a check, with the command executor's rules for shell and non-shell commands. */
export function checkArgv(command: CommandInfo): string[] | undefined {
  if (command.shell ?? true) {
    return command.value === undefined ? undefined : ['/bin/sh', '-c', command.value];
  }
  const args = command.arguments ?? [];
  if (command.value === undefined) return args.length > 0 ? args : undefined;
  // value is the program, arguments its argv with argv[0] first, as execvp(value, arguments).
  return [command.value, ...args.slice(1)];
}

/**
 * Kills the exec'd process by its host pid, but only after /proc confirms that pid is
 * in this container's cgroup: an agent in another pid namespace than the engine would
 * otherwise signal an unrelated process.
 */
async function killExecProcess(exec: Docker.Exec, dockerId: string): Promise<void> {
  const info = await exec.inspect();
  const pid = info.Pid;
  if (!info.Running || !pid) return;
  const cgroups = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => '');
  if (!cgroups.includes(dockerId)) return;
  process.kill(pid, 'SIGKILL');
}

async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  // The output stream can close a moment before the engine records the exit code.
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return null;
}

export async function execCheck(
  container: Docker.Container,
  command: CommandInfo,
  timeoutMs: number,
  logger: Logger,
): Promise<CheckResult> {
  const argv = checkArgv(command);
  if (!argv) return { exitCode: null, output: 'The check has no command to run' };
  const env = (command.environment?.variables ?? [])
    .filter((variable) => variable.type !== 'SECRET')
    .map((variable) => `${variable.name}=${variable.value ?? ''}`);

  const abort = new AbortController();
  let exec: Docker.Exec | undefined;
  let stream: Duplex | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // Aborting only cancels a request still in flight; an upgraded exec stream is a bare
    // socket that must be destroyed to end the loop below.
    abort.abort();
    stream?.destroy();
  }, timeoutMs);
  const output: Buffer[] = [];
  let outputBytes = 0;
  try {
    exec = await container.exec({
      Cmd: argv,
      Env: env,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    stream = await exec.start({ hijack: true, stdin: false, abortSignal: abort.signal });
    const demuxer = new LogFrameDemuxer();
    for await (const chunk of stream) {
      for (const frame of demuxer.push(Buffer.from(chunk))) {
        if (outputBytes >= MAX_OUTPUT_BYTES) continue;
        const kept = frame.payload.subarray(0, MAX_OUTPUT_BYTES - outputBytes);
        output.push(kept);
        outputBytes += kept.length;
      }
    }
    if (timedOut) throw new Error('timed out');
    return { exitCode: await exitCodeOf(exec), output: Buffer.concat(output).toString() };
  } catch (err) {
    if (timedOut) {
      if (exec) {
        await killExecProcess(exec, container.id).catch((killErr: unknown) =>
          logger.warn({ err: engineMessage(killErr) }, 'could not kill a timed-out check'),
        );
      }
      const seconds = Math.round(timeoutMs / 100) / 10;
      return {
        exitCode: null,
        output: `Command timed out after ${seconds}s${outputBytes > 0 ? `; its output: ${Buffer.concat(output).toString()}` : ''}`,
      };
    }
    return {
      exitCode: null,
      output: `Could not run the check in the container: ${engineMessage(err)}`,
    };
  } finally {
    clearTimeout(timer);
  }
}
