/**
 * What the process containerizer reads from /proc to know a process again after the
 * agent restarted: a pid alone is not an identity (pids are reused), a pid with its
 * start time (in clock ticks since boot) and the boot id is.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  /** One letter, as in proc(5): R, S, D, Z (zombie), T, ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22, kept as a string: it is compared, never computed with. */
  startTime: string;
}

/** Parses /proc/<pid>/stat text; `comm` may hold spaces and parentheses, so fields count from the last ')'. */
export function parseProcStat(pid: number, text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // After "pid (comm)" come field 3 (state) onwards, so field N is at index N - 3.
  const state = fields[0];
  const ppid = Number(fields[1]);
  const pgrp = Number(fields[2]);
  const startTime = fields[19];
  if (state === undefined || startTime === undefined || !Number.isInteger(ppid)) return undefined;
  if (!Number.isInteger(pgrp)) return undefined;
  return { pid, state, ppid, pgrp, startTime };
}

/**
 * Synchronous on purpose: right after spawn() the agent must read the child's start
 * time before yielding to the event loop, which could reap a child that exited at once.
 */
export function readProcStatSync(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(pid, await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The kernel's boot id: a start time only identifies a process within one boot. */
export function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every process /proc lists now; a process that exits meanwhile is left out. */
async function readAllProcStats(): Promise<ProcStat[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const stats = await Promise.all(
    entries.filter((entry) => /^\d+$/.test(entry)).map((entry) => readProcStat(Number(entry))),
  );
  return stats.filter((stat) => stat !== undefined);
}

// Killing many tasks at once has each of them wait for its group to empty; a scan of
// /proc per task per round made that quadratic. Callers share scans instead, and each
// gets one that started after it asked, so none is answered with an older picture.
let queuedScan: Promise<ProcStat[]> | undefined;
let runningScan: Promise<ProcStat[]> | undefined;

function scanProcesses(): Promise<ProcStat[]> {
  if (queuedScan) return queuedScan;
  const scan: Promise<ProcStat[]> = (runningScan ?? Promise.resolve([]))
    .catch(() => [])
    .then(() => {
      queuedScan = undefined;
      runningScan = scan;
      return readAllProcStats();
    })
    .finally(() => {
      if (runningScan === scan) runningScan = undefined;
    });
  queuedScan = scan;
  return scan;
}

/**
 * Processes of a process group that still run. Zombies are left out: when the agent is
 * gone, a task's orphans belong to pid 1, and not every pid 1 reaps (this one may not),
 * so a zombie must count as ended, and `kill(-pgid, 0)` cannot tell.
 */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  return (await scanProcesses())
    .filter((stat) => stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X')
    .map((stat) => stat.pid);
}

/** Signals a whole process group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
