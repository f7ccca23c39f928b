/**
 * How a process task ended, in Mesos's words. Pure: the container gathers the facts
 * (the wrapper's status file, the wait status, the cgroup's OOM counter, the tail of
 * stderr) and this decides what the agent reports.
 */
import { constants } from 'node:os';
import type { ContainerTermination } from '../containerizer.js';

/** What the wrapper left in its status file. */
export type StatusRecord =
  | { kind: 'status'; status: number }
  | { kind: 'launch-failed'; reason: string };

/** How the wrapper shell itself ended, when the agent was its parent and saw it. */
export interface WaitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface MemoryReport {
  limitBytes: number | undefined;
  maxUsedBytes: number | undefined;
  stat: string | undefined;
}

export interface TerminationFacts {
  record: StatusRecord | undefined;
  wait: WaitStatus | undefined;
  /** The signal the containerizer last sent to the task's group, if any. */
  sentSignal: NodeJS.Signals | undefined;
  /** Set when the task's cgroup counted an OOM kill. */
  memory: MemoryReport | undefined;
  /** The last few KB of the sandbox's stderr. */
  stderrTail: string;
}

/**
 * Reads the status file. Only a complete line counts: the wrapper writes it in one
 * write(2), but a wrapper killed in the middle must not be read as "exited with 1".
 */
export function parseStatusFile(text: string): StatusRecord | undefined {
  if (!text.endsWith('\n')) return undefined;
  const line = text.slice(0, -1);
  if (/^\d{1,3}$/.test(line)) return { kind: 'status', status: Number(line) };
  const failed = /^launch-failed (.+)$/.exec(line);
  if (failed?.[1] !== undefined) return { kind: 'launch-failed', reason: failed[1] };
  return undefined;
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>();
for (const [name, number] of Object.entries(constants.signals)) {
  // SIGIOT and SIGPOLL alias SIGABRT and SIGIO; the first name listed is the usual one.
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name as NodeJS.Signals);
}

export function signalName(signal: number): NodeJS.Signals | undefined {
  return SIGNAL_NAMES.get(signal);
}

/**
 * A shell reports a child killed by signal N as status 128 + N, which a program can
 * also exit with on purpose. The wrapper only has the shell's view, so statuses in
 * that range are read as signals, as shells and `sh -c` callers read them.
 */
export function decodeShellStatus(status: number): { exitCode: number } | { signal: string } {
  if (status > 128) {
    const name = signalName(status - 128);
    if (name !== undefined) return { signal: name };
  }
  return { exitCode: status };
}

const SHELL_PREFIX =
  /^(?:(?:\/(?:usr\/)?bin\/)?(?:sh|dash|bash)|mesolite-executor): (?:line )?\d+: /;
const BASH_PLAIN_PREFIX = /^(?:(?:\/(?:usr\/)?bin\/)?(?:sh|dash|bash)|mesolite-executor): /;

/**
 * The plain reason a command could not be run ("python: not found"), from the end of
 * its stderr: the last line that a shell or exec prints for a missing or unusable
 * program, without the shell's "sh: 1: " prefix.
 */
export function commandNotRunReason(stderrTail: string): string | undefined {
  const lines = stderrTail.split('\n').map((line) => line.trimEnd());
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line === undefined) continue;
    if (
      !/: not found$/.test(line) &&
      !/No such file or directory$/.test(line) &&
      !/: Permission denied$/.test(line)
    ) {
      continue;
    }
    let reason = line;
    if (SHELL_PREFIX.test(reason)) reason = reason.replace(SHELL_PREFIX, '');
    else if (/^[^:]+: [^:]+: (?:No such file or directory|Permission denied)$/.test(reason)) {
      reason = reason.replace(BASH_PLAIN_PREFIX, '');
    }
    return reason.replace(/^exec: /, '');
  }
  return undefined;
}

/** Bytes as Mesos's stout prints them: the unit is raised only when nothing is lost. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value !== 0 && value % 1024 === 0 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value}${units[unit] ?? 'B'}`;
}

/** Mesos's memory isolator message, limits and peak first, then memory.stat to debug with. */
export function memoryLimitMessage(report: MemoryReport): string {
  let message = 'Memory limit exceeded: ';
  if (report.limitBytes !== undefined) message += `Requested: ${formatBytes(report.limitBytes)} `;
  if (report.maxUsedBytes !== undefined) {
    message += `Maximum Used: ${formatBytes(report.maxUsedBytes)}`;
  }
  message = message.trimEnd();
  if (report.stat !== undefined && report.stat.trim() !== '') {
    message += `\n\nMEMORY STATISTICS: \n${report.stat.trimEnd()}`;
  }
  return message;
}

/** Decides the termination from what the container could observe. */
export function describeTermination(facts: TerminationFacts): ContainerTermination {
  const { record, wait } = facts;
  if (record?.kind === 'launch-failed') {
    return {
      reason: 'REASON_CONTAINER_LAUNCH_FAILED',
      message: `Failed to launch container: ${record.reason}`,
    };
  }

  let outcome: { exitCode: number } | { signal: string } | undefined;
  if (record?.kind === 'status') outcome = decodeShellStatus(record.status);
  else if (wait?.signal) outcome = { signal: wait.signal };
  else if (wait?.code !== null && wait?.code !== undefined) outcome = decodeShellStatus(wait.code);
  // Wrapper and task killed together while nobody watched: the agent knows it sent the signal.
  else if (facts.sentSignal === 'SIGKILL') outcome = { signal: 'SIGKILL' };

  const termination: ContainerTermination =
    outcome === undefined
      ? {
          reason: 'REASON_EXECUTOR_TERMINATED',
          message:
            'Abnormal executor termination: the task ended while the agent was down and left ' +
            'no exit status (its wrapper process was killed too)',
        }
      : 'exitCode' in outcome
        ? {
            exitCode: outcome.exitCode,
            message: `Command exited with status ${outcome.exitCode}`,
          }
        : { signal: outcome.signal, message: `Command terminated with signal ${outcome.signal}` };

  if (facts.memory !== undefined) {
    termination.reason = 'REASON_CONTAINER_LIMITATION_MEMORY';
    termination.message = memoryLimitMessage(facts.memory);
    return termination;
  }
  // 126 and 127 are the shell's "cannot execute" and "not found"; say which program.
  if (termination.exitCode === 126 || termination.exitCode === 127) {
    const reason = commandNotRunReason(facts.stderrTail);
    if (reason !== undefined) termination.message = reason;
  }
  return termination;
}
