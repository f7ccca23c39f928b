/**
 * One running process task: the wrapper shell (see wrapper.ts) as the leader of its own
 * process group and session, the command under it, and optionally a cgroup. Knows how it
 * ended whether the agent was its parent all along or re-attached to it after a restart.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { CommandInfo } from '../../protocol/mesos.js';
import type {
  ContainerCheckpoint,
  ContainerTermination,
  RunningContainer,
} from '../containerizer.js';
import type { TaskCgroup } from './cgroups.js';
import {
  liveGroupMembers,
  readBootId,
  readProcStat,
  readProcStatSync,
  signalGroup,
} from './proc-stat.js';
import {
  describeTermination,
  type MemoryReport,
  parseStatusFile,
  type WaitStatus,
} from './termination.js';
import { CHECK_SCRIPT, checkArguments, STATE_DIR, STATUS_FILE } from './wrapper.js';

export const PROCESS_CHECKPOINT_KIND = 'process';
/** Bumped when the checkpoint's fields change meaning. */
export const PROCESS_CHECKPOINT_VERSION = 1;

/** What makes a pid this task's and no other process's: the pid, its start time, the boot. */
export interface ProcessIdentity {
  pid: number;
  /** /proc/<pid>/stat field 22; '' where there is no /proc to read it from. */
  startTime: string;
  /** '' where the kernel does not tell. */
  bootId: string;
}

export interface ProcessContainerInit {
  containerId: string;
  sandbox: string;
  environment: Record<string, string>;
  identity: ProcessIdentity;
  cgroup: TaskCgroup | undefined;
  /** How often a re-attached wrapper's liveness, and any cgroup's OOM counter, are read. */
  pollIntervalMs: number;
  /** The wrapper when this agent process spawned it; absent after recovery. */
  child?: ChildProcess;
  logger?: Logger | undefined;
}

/** How much of a check's output is kept: the end, where the error usually is. */
const CHECK_OUTPUT_LIMIT = 64 * 1024;
const STDERR_TAIL_BYTES = 4096;
/** How long leftover processes get to disappear after SIGKILL before the agent moves on. */
const REAP_TIMEOUT_MS = 5000;

export function statusFilePath(sandbox: string): string {
  return join(sandbox, STATE_DIR, STATUS_FILE);
}

async function readTail(path: string, bytes: number): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, bytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class ProcessContainer implements RunningContainer {
  readonly containerId: string;
  readonly healthCheckHost = '127.0.0.1';
  readonly terminated: Promise<ContainerTermination>;

  private readonly init: ProcessContainerInit;
  private resolveTerminated: (termination: ContainerTermination) => void = () => {};
  /** The wrapper is known to be gone (its exit seen, or found dead by polling). */
  private ended = false;
  private settling = false;
  private sentSignal: NodeJS.Signals | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private detached = false;

  constructor(init: ProcessContainerInit) {
    this.init = init;
    this.containerId = init.containerId;
    this.terminated = new Promise((resolve) => {
      this.resolveTerminated = resolve;
    });
    const { child } = init;
    if (child) {
      child.on('error', () => {
        // Spawn errors are handled by launch; later ones (a failed kill) change nothing.
      });
      if (child.exitCode !== null || child.signalCode !== null) {
        void this.settle({ code: child.exitCode, signal: child.signalCode });
      } else {
        child.once('exit', (code, signal) => void this.settle({ code, signal }));
      }
    }
    if (!child || init.cgroup) this.schedulePoll(child ? init.pollIntervalMs : 0);
  }

  get pid(): number {
    return this.init.identity.pid;
  }

  checkpoint(): ContainerCheckpoint {
    const { containerId, sandbox, environment, identity, cgroup } = this.init;
    return {
      kind: PROCESS_CHECKPOINT_KIND,
      version: PROCESS_CHECKPOINT_VERSION,
      containerId,
      pid: identity.pid,
      startTime: identity.startTime,
      bootId: identity.bootId,
      sandbox,
      environment: JSON.stringify(environment),
      ...(cgroup?.checkpoint() ?? { cgroupVersion: null, cgroupMemory: null, cgroupCpu: null }),
    };
  }

  async kill(gracePeriodMs: number): Promise<void> {
    if (!this.ended) {
      await this.signal('SIGTERM');
      if (!(await this.endsWithin(gracePeriodMs))) await this.signal('SIGKILL');
    }
    await this.terminated;
  }

  /**
   * Stops watching without killing: for an agent that shuts down and leaves its tasks
   * running for the next agent process to recover. `terminated` then never resolves here.
   */
  detach(): void {
    this.detached = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.init.child?.removeAllListeners('exit');
  }

  runCheck(
    command: CommandInfo,
    timeoutMs: number,
  ): Promise<{ exitCode: number | null; output: string }> {
    if (this.ended) return Promise.resolve({ exitCode: null, output: 'The task has ended' });
    const { sandbox, environment, cgroup } = this.init;
    const env: Record<string, string> = { ...environment };
    for (const variable of command.environment?.variables ?? []) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
    }
    return new Promise((resolve) => {
      let output = '';
      const append = (chunk: string): void => {
        output += chunk;
        if (output.length > CHECK_OUTPUT_LIMIT) output = output.slice(-CHECK_OUTPUT_LIMIT);
      };
      let check: ChildProcess;
      try {
        check = spawn(
          '/bin/sh',
          ['-c', CHECK_SCRIPT, ...checkArguments(cgroup?.procsFiles() ?? [], command, env)],
          // Its own group, so that the timeout kills what the check started too.
          { cwd: sandbox, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
        );
      } catch (err) {
        resolve({ exitCode: null, output: err instanceof Error ? err.message : String(err) });
        return;
      }
      let timedOut = false;
      let settled = false;
      const finish = (exitCode: number | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(closeTimer);
        check.stdout?.destroy();
        check.stderr?.destroy();
        resolve({ exitCode: timedOut ? null : exitCode, output });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        if (check.pid !== undefined) signalGroup(check.pid, 'SIGKILL');
      }, timeoutMs);
      let closeTimer: NodeJS.Timeout | undefined;
      // Decoded by the streams, so that a character split across chunks stays whole.
      check.stdout?.setEncoding('utf8').on('data', append);
      check.stderr?.setEncoding('utf8').on('data', append);
      check.on('error', (err) => {
        append(err.message);
        finish(null);
      });
      check.on('exit', (code) => {
        // Whatever the check left running goes with it; a leftover that keeps the pipes
        // open must not keep the check pending, hence the bounded wait for 'close'.
        if (check.pid !== undefined) signalGroup(check.pid, 'SIGKILL');
        closeTimer = setTimeout(() => finish(code), 1000);
        check.once('close', () => finish(code));
      });
    });
  }

  /** Settles now if the wrapper is already gone; recovery uses it for dead containers. */
  async settleIfGone(): Promise<boolean> {
    if (await this.wrapperAlive()) return false;
    await this.settle(undefined);
    return true;
  }

  private schedulePoll(delayMs: number): void {
    if (this.detached || this.settling) return;
    this.pollTimer = setTimeout(() => void this.pollOnce(), delayMs);
    // The agent's lifetime is not the task's: a watch must not keep the agent alive.
    this.pollTimer.unref();
  }

  private async pollOnce(): Promise<void> {
    this.pollTimer = undefined;
    if (this.detached || this.settling) return;
    const { cgroup, child } = this.init;
    if (cgroup && (await cgroup.oomKills()) > 0 && this.sentSignal !== 'SIGKILL') {
      // Mesos destroys a container on a memory limitation, whichever process the
      // kernel chose: a task that survives losing a child is not left half-dead.
      this.init.logger?.info(
        { containerId: this.containerId },
        'memory limit exceeded, killing the task',
      );
      await this.signal('SIGKILL');
    }
    if (!child && !(await this.wrapperAlive())) {
      await this.settle(undefined);
      return;
    }
    this.schedulePoll(this.init.pollIntervalMs);
  }

  /** The wrapper still runs as the process the checkpoint names (not a reused pid, not a zombie). */
  private async wrapperAlive(): Promise<boolean> {
    const { pid, startTime, bootId } = this.init.identity;
    const currentBoot = readBootId();
    if (bootId !== '' && currentBoot !== undefined && bootId !== currentBoot) return false;
    if (startTime === '') {
      // No /proc: all that can be asked is whether the pid exists.
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    }
    const stat = await readProcStat(pid);
    return (
      stat !== undefined && stat.startTime === startTime && stat.state !== 'Z' && stat.state !== 'X'
    );
  }

  /**
   * Whether signalling the process group `pid` reaches this task and nothing else. A
   * zombie or live wrapper holds the number; a freed number can only be held as a group
   * id by the task's own leftovers (the kernel does not hand out a pid that is still a
   * group's id); a number that now belongs to another process must not be signalled.
   */
  private groupIsOurs(): boolean {
    const { pid, startTime, bootId } = this.init.identity;
    const currentBoot = readBootId();
    if (bootId !== '' && currentBoot !== undefined && bootId !== currentBoot) return false;
    if (startTime === '') return !this.ended;
    const stat = readProcStatSync(pid);
    return stat === undefined || stat.startTime === startTime;
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    this.sentSignal = signal;
    if (this.groupIsOurs()) signalGroup(this.init.identity.pid, signal);
    // Processes that left the group (setsid) are still in the cgroup.
    for (const pid of (await this.init.cgroup?.pids()) ?? []) {
      try {
        process.kill(pid, signal);
      } catch {
        // Exited meanwhile.
      }
    }
  }

  private async endsWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.terminated.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills what the task left in its process group and waits until none of it runs. */
  private async reapGroup(): Promise<void> {
    if (!this.groupIsOurs()) return;
    const pgid = this.init.identity.pid;
    const deadline = Date.now() + REAP_TIMEOUT_MS;
    while (signalGroup(pgid, 'SIGKILL')) {
      if ((await liveGroupMembers(pgid)).length === 0 || Date.now() > deadline) return;
      await sleep(20);
    }
  }

  private async settle(wait: WaitStatus | undefined): Promise<void> {
    if (this.settling || this.detached) return;
    this.settling = true;
    this.ended = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    const { cgroup, sandbox, logger, containerId } = this.init;
    let memory: MemoryReport | undefined;
    try {
      // Read the cgroup before it is torn down: its OOM counter and peak are the evidence.
      if (cgroup && (await cgroup.oomKills()) > 0) memory = await cgroup.memoryReport();
      await this.reapGroup();
      if (cgroup) {
        await cgroup.destroy().catch((err: unknown) => {
          logger?.warn(
            { err, containerId, cgroup: cgroup.memoryDir },
            'could not remove the task cgroup',
          );
        });
      }
    } catch (err) {
      logger?.warn({ err, containerId }, 'cleanup after the task ended failed');
    }
    const statusText = await readFile(statusFilePath(sandbox), 'utf8').catch(() => '');
    this.resolveTerminated(
      describeTermination({
        record: parseStatusFile(statusText),
        wait,
        sentSignal: this.sentSignal,
        memory,
        stderrTail: await readTail(join(sandbox, 'stderr'), STDERR_TAIL_BYTES),
      }),
    );
  }
}
