import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  describeLeftovers,
  endLeftoversUnder,
  type Leftovers,
  leftoversUnder,
} from './leftovers.js';
import { SHARED_TMPDIR_VARIABLE, stopStartedDockerEngine } from './real-services.js';

/**
 * How long a leftover may take to end on its own before it counts as leaked: a test
 * that SIGKILLs a child without waiting for its exit leaves it dying for a moment.
 */
const DYING_GRACE_MS = 3000;

export class LeakedResourcesError extends Error {
  readonly code = 'MESOLITE_ERR_TEST_LEAK';
  constructor(runDir: string, lines: readonly string[]) {
    super(
      `The tests left ${lines.length} process(es) or container(s) running under ${runDir}; ` +
        `they are killed now. A test must stop what it starts (kill an agent's tasks before ` +
        `stopping its daemon: TestDaemon.stop() does unless told to keep them):\n  ${lines.join('\n  ')}`,
    );
    this.name = 'LeakedResourcesError';
  }
}

/** Leftovers that still run after the grace: a process that was dying has ended by then. */
async function leakedAfterGrace(runDir: string): Promise<Leftovers> {
  const first = await leftoversUnder(runDir);
  if (first.processes.length === 0 && first.containers.length === 0) return first;
  await sleep(DYING_GRACE_MS);
  const second = await leftoversUnder(runDir);
  const key = (pid: number, startTime: string) => `${pid}/${startTime}`;
  const earlier = new Set(first.processes.map((entry) => key(entry.pid, entry.startTime)));
  const earlierContainers = new Set(first.containers.map((entry) => entry.id));
  return {
    processes: second.processes.filter((entry) => earlier.has(key(entry.pid, entry.startTime))),
    containers: second.containers.filter(
      (entry) => earlierContainers.has(entry.id) && entry.state !== 'removing',
    ),
  };
}

/**
 * Whatever the test run started that outlives a single test file is stopped here.
 *
 * Every test file makes its temp dirs with os.tmpdir(), which points for this run into
 * one directory of its own (TMPDIR, inherited by the workers), so that what the run
 * left behind is told apart from what other runs on the machine are doing: at the end,
 * processes working in it or naming it, and containers mounting it, were leaked by a
 * test. They are killed and fail the run; temp dirs left in it are named and removed.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const sharedTmpdir = process.env[SHARED_TMPDIR_VARIABLE] ?? tmpdir();
  const runDir = await mkdtemp(join(sharedTmpdir, 'mesolite-run-'));
  const previousTmpdir = process.env.TMPDIR;
  process.env[SHARED_TMPDIR_VARIABLE] = sharedTmpdir;
  process.env.TMPDIR = runDir;

  return async () => {
    const leaked = await leakedAfterGrace(runDir);
    // The leaked ones, and any that was dying at the first look but is not gone yet.
    await endLeftoversUnder(runDir);
    await stopStartedDockerEngine();
    // tsx keeps its IPC pipes in tmpdir()/tsx-<uid> for as long as it is used, and never removes it.
    const dirs = (await readdir(runDir).catch(() => [])).filter((name) => !/^tsx-\d+$/.test(name));
    await rm(runDir, { recursive: true, force: true });
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
    if (dirs.length > 0) {
      process.stderr.write(
        `\nwarning: the tests left ${dirs.length} temp entr${dirs.length === 1 ? 'y' : 'ies'} ` +
          `in ${runDir} (removed now): ${dirs.join(', ')}\n`,
      );
    }
    const lines = describeLeftovers(leaked);
    if (lines.length > 0) {
      // Vitest prints an error thrown here but keeps the exit code of the tests.
      process.exitCode = 1;
      throw new LeakedResourcesError(runDir, lines);
    }
  };
}
