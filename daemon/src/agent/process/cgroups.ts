/**
 * Resource limits for process tasks through Linux cgroups, in the spirit of Mesos's
 * cgroups/mem and cgroups/cpu isolators: one cgroup per container, memory capped with
 * no swap, CPU weighted by the task's cpus (and capped with CFS quota when asked), OOM
 * kills read from the cgroup's counters, and every process of the cgroup killed and the
 * cgroup removed when the task ends.
 *
 * Where the cgroups live:
 * - cgroup v2 (unified): `<mount>/<root>/<containerId>`, as Mesos's `--cgroups_root`.
 *   A v2 cgroup that holds processes cannot hand controllers to children, so the
 *   folder hangs off the hierarchy's root rather than off the agent's own cgroup.
 * - cgroup v1: `<mount of each controller>/<the agent's own cgroup>/<root>/<containerId>`.
 *   v1 allows nesting under a cgroup with processes, and nesting keeps tasks inside
 *   whatever limits the agent itself was started with (a container, a systemd slice).
 * Paths are checkpointed, so an agent that restarts in another cgroup still finds them.
 */
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourceLimits } from '../containerizer.js';
import type { MemoryReport } from './termination.js';

export type CgroupVersion = 'v1' | 'v2';

/** Whether task limits are enforced here, and why not; the agent says it once at start. */
export interface LimitsSupport {
  enforced: boolean;
  /** A sentence: what enforces the limits, or why nothing does. */
  reason: string;
  version?: CgroupVersion;
}

export interface CgroupOptions {
  /** The folder task cgroups are created in (Mesos's --cgroups_root); default "mesolite". */
  root?: string;
  /**
   * Also cap CPU time at the task's cpus with CFS quota (Mesos's --cgroups_enable_cfs).
   * Off by default, as in Mesos: cpus then only weigh tasks against each other.
   */
  cpuQuota?: boolean;
  /** Where cgroup hierarchies are mounted; for tests. Default /sys/fs/cgroup. */
  mountBase?: string;
}

export const DEFAULT_CGROUPS_ROOT = 'mesolite';
/** Mesos's floor for a container's memory limit: below it even a shell fails to start. */
export const MIN_MEMORY_BYTES = 32 * 1024 * 1024;
const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
const CFS_PERIOD_US = 100_000;
const MIN_CFS_QUOTA_US = 1000;

/** The cgroup fields of a process container's checkpoint. */
export interface CgroupCheckpoint {
  cgroupVersion: CgroupVersion | null;
  cgroupMemory: string | null;
  cgroupCpu: string | null;
}

interface Mount {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

async function readCgroupMounts(): Promise<Mount[]> {
  let text: string;
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const [fsType, , superOptions] = right.split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (root === undefined || mountPoint === undefined || fsType === undefined) continue;
    if (fsType !== 'cgroup' && fsType !== 'cgroup2') continue;
    mounts.push({
      root: unescapeMountField(root),
      mountPoint: unescapeMountField(mountPoint),
      fsType,
      superOptions: (superOptions ?? '').split(','),
    });
  }
  return mounts;
}

/** The agent's own cgroup path in the v1 hierarchy that has `controller`. */
async function ownV1Cgroup(controller: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile('/proc/self/cgroup', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (match?.[1]?.split(',').includes(controller)) return match[2];
  }
  return undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function readNumber(path: string): Promise<number | undefined> {
  const text = (await readText(path))?.trim();
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

function isSafeName(name: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(name) && name !== '.' && name !== '..';
}

function isSafeRoot(root: string): boolean {
  return root.split('/').every(isSafeName);
}

/** Mesos's cpu.shares for a task: 1024 a cpu, never below the kernel's minimum of 2. */
export function cpuShares(cpus: number): number {
  return Math.max(MIN_CPU_SHARES, Math.floor(cpus * CPU_SHARES_PER_CPU));
}

/** The v2 weight equivalent to v1 shares, with the conversion systemd and runc use. */
export function cpuWeight(cpus: number): number {
  const shares = cpuShares(cpus);
  return Math.min(10_000, Math.max(1, 1 + Math.floor(((shares - 2) * 9999) / 262_142)));
}

export function cfsQuotaUs(cpus: number): number {
  return Math.max(MIN_CFS_QUOTA_US, Math.floor(cpus * CFS_PERIOD_US));
}

export function memoryLimitBytes(memMb: number): number {
  return Math.max(MIN_MEMORY_BYTES, Math.floor(memMb * 1024 * 1024));
}

/** One task's cgroup (v2) or cgroups (v1: memory, and cpu when that hierarchy is there). */
export class TaskCgroup {
  constructor(
    readonly version: CgroupVersion,
    readonly memoryDir: string,
    /** v1 only: the cpu hierarchy's folder; in v2 one folder holds every controller. */
    readonly cpuDir: string | undefined,
  ) {}

  private dirs(): string[] {
    return this.cpuDir === undefined ? [this.memoryDir] : [this.memoryDir, this.cpuDir];
  }

  /** The files a process writes its pid to in order to join this cgroup. */
  procsFiles(): string[] {
    return this.dirs().map((dir) => join(dir, 'cgroup.procs'));
  }

  checkpoint(): CgroupCheckpoint {
    return {
      cgroupVersion: this.version,
      cgroupMemory: this.memoryDir,
      cgroupCpu: this.cpuDir ?? null,
    };
  }

  /** How many processes the kernel OOM-killed in this cgroup. */
  async oomKills(): Promise<number> {
    const file = this.version === 'v2' ? 'memory.events' : 'memory.oom_control';
    const text = await readText(join(this.memoryDir, file));
    const match = text === undefined ? null : /^oom_kill (\d+)$/m.exec(text);
    return match?.[1] === undefined ? 0 : Number(match[1]);
  }

  async memoryReport(): Promise<MemoryReport> {
    const dir = this.memoryDir;
    if (this.version === 'v1') {
      return {
        limitBytes: await readNumber(join(dir, 'memory.limit_in_bytes')),
        maxUsedBytes: await readNumber(join(dir, 'memory.max_usage_in_bytes')),
        stat: await readText(join(dir, 'memory.stat')),
      };
    }
    // memory.peak appeared in Linux 5.19; before it only the current usage is known.
    const peak =
      (await readNumber(join(dir, 'memory.peak'))) ??
      (await readNumber(join(dir, 'memory.current')));
    return {
      limitBytes: await readNumber(join(dir, 'memory.max')),
      maxUsedBytes: peak,
      stat: await readText(join(dir, 'memory.stat')),
    };
  }

  async pids(): Promise<number[]> {
    const pids = new Set<number>();
    for (const file of this.procsFiles()) {
      const text = await readText(file);
      for (const line of text?.split('\n') ?? []) {
        if (/^\d+$/.test(line)) pids.add(Number(line));
      }
    }
    // Never the agent itself, whatever a damaged checkpoint says.
    pids.delete(process.pid);
    return [...pids];
  }

  /**
   * Kills every process in the cgroup, including those that left the task's process
   * group (setsid, daemons), and waits until none is left or `timeoutMs` passed.
   */
  async killAll(timeoutMs = 5000): Promise<boolean> {
    if (this.version === 'v2') {
      // cgroup.kill (Linux 5.14) kills atomically, even a fork bomb; older kernels loop below.
      await writeFile(join(this.memoryDir, 'cgroup.kill'), '1').catch(() => undefined);
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pids = await this.pids();
      if (pids.length === 0) return true;
      if (Date.now() > deadline) return false;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone between the read and the kill.
        }
      }
      await sleep(20);
    }
  }

  /** Kills what is left and removes the cgroup folders; safe to call more than once. */
  async destroy(): Promise<void> {
    await this.killAll();
    for (const dir of this.dirs()) {
      for (let attempt = 0; ; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          // EBUSY while the kernel finishes tearing down the last exited processes.
          if (code !== 'EBUSY' || attempt >= 50) throw err;
          await sleep(20);
          await this.killAll(1000);
        }
      }
    }
  }
}

interface Layout {
  version: CgroupVersion;
  /** Folder holding task cgroups for the memory controller (v2: for all controllers). */
  memoryParent: string;
  /** v1: folder in the cpu hierarchy; v2: true when cpu was enabled for task cgroups. */
  cpuParent: string | undefined;
  cpuEnabled: boolean;
}

/**
 * Finds usable cgroups and prepares the folder task cgroups go in. Answers why not when
 * there are none (not Linux, not root, no memory controller, a v2 tree that cannot
 * delegate), and then tasks run without limits.
 */
export class Cgroups {
  private constructor(
    private readonly layout: Layout,
    private readonly options: CgroupOptions,
  ) {}

  static async detect(options: CgroupOptions = {}): Promise<Cgroups | { reason: string }> {
    if (process.platform !== 'linux') {
      return { reason: `cgroups are Linux only (this is ${process.platform})` };
    }
    const root = options.root ?? DEFAULT_CGROUPS_ROOT;
    if (!isSafeRoot(root))
      return { reason: `the cgroups root ${JSON.stringify(root)} is not a plain relative path` };
    const base = options.mountBase ?? '/sys/fs/cgroup';
    const mounts = (await readCgroupMounts()).filter(
      (mount) => mount.mountPoint === base || mount.mountPoint.startsWith(`${base}/`),
    );
    if (mounts.length === 0) return { reason: `no cgroup hierarchy is mounted under ${base}` };

    const notRoot = process.getuid?.() === 0 ? '' : ' (the agent does not run as root)';
    const unified = mounts.find((mount) => mount.fsType === 'cgroup2');
    const unifiedControllers = unified
      ? ((await readText(join(unified.mountPoint, 'cgroup.controllers'))) ?? '').trim().split(' ')
      : [];
    try {
      if (unified && unifiedControllers.includes('memory')) {
        return new Cgroups(await prepareV2(unified, root), options);
      }
      const memory = mounts.find(
        (mount) => mount.fsType === 'cgroup' && mount.superOptions.includes('memory'),
      );
      if (memory) {
        const cpu = mounts.find(
          (mount) => mount.fsType === 'cgroup' && mount.superOptions.includes('cpu'),
        );
        return new Cgroups(await prepareV1(memory, cpu, root), options);
      }
    } catch (err) {
      return { reason: `cannot create task cgroups: ${errorText(err)}${notRoot}` };
    }
    return { reason: `no cgroup hierarchy under ${base} has the memory controller` };
  }

  get version(): CgroupVersion {
    return this.layout.version;
  }

  support(): LimitsSupport {
    const { version, memoryParent, cpuEnabled } = this.layout;
    const cpu = cpuEnabled
      ? this.options.cpuQuota
        ? 'cpus weighted and capped with CFS quota'
        : 'cpus weighted (not capped)'
      : 'cpus not enforced (no cpu controller)';
    return {
      enforced: true,
      version,
      reason: `cgroup ${version} under ${memoryParent}: memory capped without swap, ${cpu}`,
    };
  }

  /** Creates the task's cgroup with its limits, before anything of the task runs. */
  async create(containerId: string, limits: ResourceLimits): Promise<TaskCgroup> {
    if (!isSafeName(containerId)) {
      throw new Error(`container id ${JSON.stringify(containerId)} cannot name a cgroup`);
    }
    const { version, memoryParent, cpuParent, cpuEnabled } = this.layout;
    const memoryDir = join(memoryParent, containerId);
    const cpuDir =
      version === 'v1' && cpuParent !== undefined ? join(cpuParent, containerId) : undefined;
    const cgroup = new TaskCgroup(version, memoryDir, cpuDir);
    try {
      await mkdir(memoryDir, { recursive: true });
      if (cpuDir !== undefined) await mkdir(cpuDir, { recursive: true });
      if (limits.memMb !== undefined) {
        const bytes = String(memoryLimitBytes(limits.memMb));
        if (version === 'v2') {
          await writeFile(join(memoryDir, 'memory.max'), bytes);
          if (await exists(join(memoryDir, 'memory.swap.max'))) {
            await writeFile(join(memoryDir, 'memory.swap.max'), '0');
          }
        } else {
          await writeFile(join(memoryDir, 'memory.limit_in_bytes'), bytes);
          // memsw counts memory plus swap; equal to the limit means no swap at all.
          if (await exists(join(memoryDir, 'memory.memsw.limit_in_bytes'))) {
            await writeFile(join(memoryDir, 'memory.memsw.limit_in_bytes'), bytes);
          }
        }
      }
      if (limits.cpus !== undefined && cpuEnabled) {
        const cpus = limits.cpus;
        if (version === 'v2') {
          await writeFile(join(memoryDir, 'cpu.weight'), String(cpuWeight(cpus)));
          if (this.options.cpuQuota) {
            await writeFile(join(memoryDir, 'cpu.max'), `${cfsQuotaUs(cpus)} ${CFS_PERIOD_US}`);
          }
        } else if (cpuDir !== undefined) {
          await writeFile(join(cpuDir, 'cpu.shares'), String(cpuShares(cpus)));
          if (this.options.cpuQuota) {
            await writeFile(join(cpuDir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
            await writeFile(join(cpuDir, 'cpu.cfs_quota_us'), String(cfsQuotaUs(cpus)));
          }
        }
      }
    } catch (err) {
      await cgroup.destroy().catch(() => undefined);
      throw new Error(`cannot set up the cgroup ${memoryDir}: ${errorText(err)}`);
    }
    return cgroup;
  }

  /**
   * The task cgroup a checkpoint names, if it is one this containerizer could have made:
   * under a mounted cgroup hierarchy and named after the container. A damaged checkpoint
   * must never make the agent kill the processes of some other cgroup.
   */
  static async fromCheckpoint(
    containerId: string,
    checkpoint: CgroupCheckpoint,
  ): Promise<TaskCgroup | undefined> {
    const { cgroupVersion, cgroupMemory, cgroupCpu } = checkpoint;
    if (cgroupVersion === null || cgroupMemory === null) return undefined;
    const mounts = await readCgroupMounts();
    const plausible = (path: string): boolean =>
      isAbsolute(path) &&
      normalize(path) === path &&
      path.endsWith(`${sep}${containerId}`) &&
      mounts.some((mount) => {
        const rel = relative(mount.mountPoint, path);
        return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
      });
    if (!isSafeName(containerId) || !plausible(cgroupMemory)) return undefined;
    if (cgroupCpu !== null && !plausible(cgroupCpu)) return undefined;
    return new TaskCgroup(cgroupVersion, cgroupMemory, cgroupCpu ?? undefined);
  }
}

/** Turns a controller on for the children of `dir`; false when the kernel refuses. */
async function enableController(dir: string, controller: string): Promise<boolean> {
  const control = join(dir, 'cgroup.subtree_control');
  const enabled = ((await readText(control)) ?? '').trim().split(' ');
  if (enabled.includes(controller)) return true;
  try {
    await writeFile(control, `+${controller}`);
    return true;
  } catch {
    return false;
  }
}

async function prepareV2(mount: Mount, root: string): Promise<Layout> {
  const parent = join(mount.mountPoint, root);
  await mkdir(parent, { recursive: true });
  // Every folder from the hierarchy's root down to the parent must pass the controller on.
  const chain = [mount.mountPoint];
  for (const part of root.split('/')) chain.push(join(chain[chain.length - 1] ?? '', part));
  let memory = true;
  let cpu = true;
  for (const dir of chain) {
    memory = memory && (await enableController(dir, 'memory'));
    cpu = cpu && (await enableController(dir, 'cpu'));
  }
  if (!memory) {
    throw new Error(
      `the memory controller cannot be enabled in ${parent}/cgroup.subtree_control ` +
        '(a cgroup that holds processes cannot delegate controllers in cgroup v2)',
    );
  }
  return {
    version: 'v2',
    memoryParent: parent,
    cpuParent: cpu ? parent : undefined,
    cpuEnabled: cpu,
  };
}

/** The folder for task cgroups in one v1 hierarchy, under the agent's own cgroup there. */
async function v1Parent(mount: Mount, controller: string, root: string): Promise<string> {
  const own = (await ownV1Cgroup(controller)) ?? '/';
  // Inside a cgroup namespace the mount's root and the agent's path are both relative to it.
  const inMount = own.startsWith(mount.root) ? own.slice(mount.root.length) : own;
  const parent = join(mount.mountPoint, inMount, root);
  await mkdir(parent, { recursive: true });
  return parent;
}

async function prepareV1(memory: Mount, cpu: Mount | undefined, root: string): Promise<Layout> {
  const memoryParent = await v1Parent(memory, 'memory', root);
  if (!(await exists(join(memoryParent, 'memory.limit_in_bytes')))) {
    throw new Error(`${memoryParent} has no memory.limit_in_bytes`);
  }
  let cpuParent: string | undefined;
  if (cpu) {
    try {
      cpuParent = await v1Parent(cpu, 'cpu', root);
      if (!(await exists(join(cpuParent, 'cpu.shares')))) cpuParent = undefined;
    } catch {
      cpuParent = undefined;
    }
  }
  return { version: 'v1', memoryParent, cpuParent, cpuEnabled: cpuParent !== undefined };
}

/**
 * Whether this machine will enforce task limits, and why not. Prepares the folder task
 * cgroups go in as a side effect, as launching would.
 */
export async function limitsSupport(options: CgroupOptions = {}): Promise<LimitsSupport> {
  const detected = await Cgroups.detect(options);
  if (detected instanceof Cgroups) return detected.support();
  return { enforced: false, reason: `Task resource limits are not enforced: ${detected.reason}` };
}
