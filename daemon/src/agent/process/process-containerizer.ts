/**
 * The process containerizer: runs a task's CommandInfo as host processes, the way Mesos's
 * command executor and posix launcher do, with cgroup limits where the machine has them.
 *
 * - The task runs under a wrapper shell (wrapper.ts) that leads its own session and
 *   process group, is unref'd, and so outlives a kill -9 of the agent; kill signals the
 *   whole group (and the cgroup), SIGTERM then SIGKILL after the grace period.
 * - stdout and stderr are files in the sandbox, opened by the agent and handed to the
 *   task as descriptors, so output keeps flowing while no agent runs.
 * - The exit status goes to `<sandbox>/.mesolite/exit_status`; the checkpoint holds the
 *   wrapper's pid, start time and boot id, so a restarted agent tells its task from a
 *   process that got the same pid, and learns how a task that ended meanwhile ended.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, type FileHandle, mkdir, open, rm, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Logger } from 'pino';
import type {
  ContainerCheckpoint,
  Containerizer,
  ContainerTermination,
  LaunchSpec,
} from '../containerizer.js';
import {
  type CgroupCheckpoint,
  type CgroupOptions,
  Cgroups,
  type LimitsSupport,
  type TaskCgroup,
} from './cgroups.js';
import { readBootId, readProcStatSync } from './proc-stat.js';
import {
  PROCESS_CHECKPOINT_KIND,
  PROCESS_CHECKPOINT_VERSION,
  ProcessContainer,
  type ProcessIdentity,
  statusFilePath,
} from './process-container.js';
import { ProcessCheckpointError, ProcessLaunchError } from './process-errors.js';
import { STATE_DIR, WRAPPER_SCRIPT, wrapperArguments } from './wrapper.js';

/** The PATH a task gets when its environment has none, as Mesos's posix launcher sets it. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const SHELL = '/bin/sh';

export interface ProcessContainerizerOptions {
  /**
   * Put each task in its own cgroup when the machine allows it (default: yes). `false`
   * runs tasks without limits even where cgroups work.
   */
  cgroups?: boolean | CgroupOptions;
  /** How often a re-attached task's wrapper and any task's OOM counter are read (default 1 s). */
  pollIntervalMs?: number;
  logger?: Logger;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ProcessContainerizer implements Containerizer {
  readonly kind = 'process';
  private readonly options: ProcessContainerizerOptions;
  private cgroupsDetected: Promise<Cgroups | { reason: string }> | undefined;

  constructor(options: ProcessContainerizerOptions = {}) {
    this.options = options;
  }

  async available(): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      await access(SHELL, constants.X_OK);
      return { ok: true };
    } catch {
      return {
        ok: false,
        message: `${SHELL} is missing: the process containerizer runs tasks through it`,
      };
    }
  }

  /** Whether task limits are enforced here; the agent logs it once at start. */
  async limitsSupport(): Promise<LimitsSupport> {
    const detected = await this.cgroups();
    if (detected instanceof Cgroups) return detected.support();
    return { enforced: false, reason: `Task resource limits are not enforced: ${detected.reason}` };
  }

  async launch(spec: LaunchSpec): Promise<ProcessContainer> {
    const { command, sandbox, containerId } = spec;
    if (spec.container?.type === 'DOCKER') {
      throw new ProcessLaunchError(
        'a Docker container needs the docker containerizer, not the process one',
      );
    }
    if (command.value === undefined || command.value === '') {
      throw new ProcessLaunchError(
        command.shell === false
          ? 'the command has shell=false and no value: value must name the program to run'
          : 'the command has no value: set the shell command to run',
      );
    }
    if (
      !isAbsolute(sandbox) ||
      !(await stat(sandbox).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    ) {
      throw new ProcessLaunchError(`the sandbox ${sandbox} is not an existing directory`);
    }

    const statusFile = statusFilePath(sandbox);
    await mkdir(join(sandbox, STATE_DIR), { recursive: true });
    // A status left by an earlier run in this sandbox must never be read as this run's.
    await rm(statusFile, { force: true });

    const environment: Record<string, string> = { ...spec.environment };
    if (environment.PATH === undefined) environment.PATH = DEFAULT_PATH;

    // Files, not pipes: a pipe would die with the agent and the task with SIGPIPE.
    const outputs: FileHandle[] = [];
    let cgroup: TaskCgroup | undefined;
    let child: ChildProcess;
    let identity: ProcessIdentity;
    try {
      for (const name of ['stdout', 'stderr']) {
        const path = join(sandbox, name);
        outputs.push(
          await open(path, 'a').catch((err: unknown) => {
            throw new ProcessLaunchError(`cannot open ${path}: ${errorMessage(err)}`);
          }),
        );
      }
      const detected = await this.cgroups();
      if (detected instanceof Cgroups) {
        cgroup = await detected.create(containerId, spec.limits).catch((err: unknown) => {
          throw new ProcessLaunchError(errorMessage(err));
        });
      }
      const procsFiles = cgroup?.procsFiles() ?? [];
      child = spawn(
        SHELL,
        ['-c', WRAPPER_SCRIPT, ...wrapperArguments(statusFile, procsFiles, command, environment)],
        {
          cwd: sandbox,
          env: environment,
          // setsid(): its own session and group, out of the agent's, so that it survives the
          // agent and one kill(-pgid) reaches everything it started.
          detached: true,
          stdio: ['ignore', ...outputs.map((output) => output.fd)],
        },
      );
      const pid = child.pid;
      // Read at once: the start time must come from this process, before anything can
      // reap it and free the pid.
      const procStat = pid === undefined ? undefined : readProcStatSync(pid);
      identity = {
        pid: pid ?? 0,
        startTime: procStat?.startTime ?? '',
        bootId: readBootId() ?? '',
      };
      const spawned = child;
      await new Promise<void>((resolve, reject) => {
        spawned.once('spawn', resolve);
        spawned.once('error', reject);
      });
    } catch (err) {
      await cgroup?.destroy().catch(() => undefined);
      if (err instanceof ProcessLaunchError) throw err;
      throw new ProcessLaunchError(`could not start ${SHELL}: ${errorMessage(err)}`);
    } finally {
      // The task holds its own copies of the descriptors.
      for (const output of outputs) await output.close();
    }
    child.unref();

    return new ProcessContainer({
      containerId,
      sandbox,
      environment,
      identity,
      cgroup,
      child,
      pollIntervalMs: this.pollIntervalMs(),
      logger: this.options.logger,
    });
  }

  async recover(checkpoint: ContainerCheckpoint): Promise<ProcessContainer | ContainerTermination> {
    const { containerId, kind, version, pid, startTime, bootId, sandbox, environment } = checkpoint;
    const problem =
      kind !== PROCESS_CHECKPOINT_KIND
        ? `its kind is ${String(kind)}`
        : version !== PROCESS_CHECKPOINT_VERSION
          ? `its version is ${String(version)}`
          : undefined;
    if (problem !== undefined) throw new ProcessCheckpointError(containerId, problem);
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
      throw new ProcessCheckpointError(containerId, 'it has no valid pid');
    }
    if (typeof startTime !== 'string' || typeof bootId !== 'string') {
      throw new ProcessCheckpointError(containerId, 'it has no start time or boot id');
    }
    if (typeof sandbox !== 'string' || !isAbsolute(sandbox)) {
      throw new ProcessCheckpointError(containerId, 'it has no absolute sandbox path');
    }
    const env = typeof environment === 'string' ? parseEnvironment(environment) : undefined;
    if (env === undefined) {
      throw new ProcessCheckpointError(
        containerId,
        'its environment is not a JSON object of strings',
      );
    }

    const container = new ProcessContainer({
      containerId,
      sandbox,
      environment: env,
      identity: { pid, startTime, bootId },
      cgroup: await Cgroups.fromCheckpoint(containerId, cgroupFields(checkpoint)),
      pollIntervalMs: this.pollIntervalMs(),
      logger: this.options.logger,
    });
    // Ended while no agent ran: report how, after the same cleanup a live end gets.
    if (await container.settleIfGone()) return container.terminated;
    return container;
  }

  private pollIntervalMs(): number {
    return this.options.pollIntervalMs ?? 1000;
  }

  private cgroups(): Promise<Cgroups | { reason: string }> {
    if (this.cgroupsDetected === undefined) {
      const setting = this.options.cgroups ?? true;
      this.cgroupsDetected =
        setting === false
          ? Promise.resolve({ reason: 'cgroups are turned off for the process containerizer' })
          : Cgroups.detect(setting === true ? {} : setting);
    }
    return this.cgroupsDetected;
  }
}

function parseEnvironment(text: string): Record<string, string> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') return undefined;
      env[name] = value;
    }
    return env;
  } catch {
    return undefined;
  }
}

function cgroupFields(checkpoint: ContainerCheckpoint): CgroupCheckpoint {
  const { cgroupVersion, cgroupMemory, cgroupCpu } = checkpoint;
  const version = cgroupVersion === 'v1' || cgroupVersion === 'v2' ? cgroupVersion : null;
  return {
    cgroupVersion: version,
    cgroupMemory: typeof cgroupMemory === 'string' ? cgroupMemory : null,
    cgroupCpu: typeof cgroupCpu === 'string' ? cgroupCpu : null,
  };
}
