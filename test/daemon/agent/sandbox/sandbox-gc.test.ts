import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '@mesolite/daemon/agent/sandbox/create-sandbox';
import {
  DEFAULT_GC_DELAY_MS,
  type GcTimers,
  SandboxGc,
} from '@mesolite/daemon/agent/sandbox/sandbox-gc';
import {
  executorPath,
  frameworkPath,
  latestRunPath,
  type SandboxIds,
} from '@mesolite/daemon/agent/sandbox/sandbox-paths';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const DAY = 24 * 60 * 60 * 1000;

/** Time that moves only when a test says so, and the timers that go with it. */
class FakeTime implements GcTimers {
  now = Date.parse('2030-01-01T00:00:00Z');
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get armed(): number[] {
    return [...this.pending.values()].map(({ at }) => at - this.now);
  }

  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.now) continue;
      this.pending.delete(id);
      timer.callback();
    }
  }
}

const ids = (containerId: string, executorId = 'task-1', frameworkId = 'fw-1'): SandboxIds => ({
  agentId: 'agent-1',
  frameworkId,
  executorId,
  containerId,
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('sandbox garbage collection', () => {
  let workDir: string;
  let time: FakeTime;
  let gc: SandboxGc;
  const removed: string[] = [];

  const newGc = (delayMs = DEFAULT_GC_DELAY_MS) =>
    new SandboxGc({
      workDir,
      delayMs,
      now: () => time.now,
      timers: time,
      onRemoved: (path) => removed.push(path),
    });

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-gc-'));
    time = new FakeTime();
    removed.length = 0;
    gc = newGc();
  });
  afterEach(async () => {
    await gc.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('waits one week by default, as --gc_delay does', () => {
    expect(new SandboxGc({ workDir }).delayMs).toBe(7 * DAY);
  });

  it('keeps an ended sandbox until the delay has passed', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    time.advance(7 * DAY - 1);
    await gc.idle();
    expect(await exists(sandbox)).toBe(true);
  });

  it('removes an ended sandbox once the delay has passed', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    time.advance(7 * DAY);
    await gc.idle();
    expect(await exists(sandbox)).toBe(false);
  });

  it('tells its listener what it removed', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    time.advance(7 * DAY);
    await gc.idle();
    expect(removed).toEqual([sandbox]);
  });

  it('touches a sandbox when scheduling it, so a restart finds the same deadline', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    time.now += 3 * DAY;
    await gc.schedule(sandbox);
    expect((await stat(sandbox)).mtimeMs).toBe(time.now);
    expect(gc.scheduled()).toEqual([{ path: sandbox, removeAt: time.now + 7 * DAY }]);
  });

  it('removes the executor and framework directories the sandbox leaves empty', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    time.advance(7 * DAY);
    await gc.idle();
    expect(await exists(executorPath(workDir, ids('run-1')))).toBe(false);
    expect(await exists(frameworkPath(workDir, ids('run-1')))).toBe(false);
    expect(await readdir(join(workDir, 'agents'))).toEqual([]);
  });

  it('keeps the executor directory while it holds a newer run, and its latest link', async () => {
    const older = await createSandbox(workDir, ids('run-1'));
    const newer = await createSandbox(workDir, ids('run-2'));
    await gc.schedule(older);
    time.advance(7 * DAY);
    await gc.idle();
    expect(await exists(newer)).toBe(true);
    expect(await readlink(latestRunPath(workDir, ids('run-2')))).toBe(newer);
  });

  it("keeps another framework's sandboxes", async () => {
    const ended = await createSandbox(workDir, ids('run-1'));
    const other = await createSandbox(workDir, ids('run-9', 'task-9', 'fw-2'));
    await gc.schedule(ended);
    time.advance(7 * DAY);
    await gc.idle();
    expect(await exists(other)).toBe(true);
  });

  it('moves the deadline when a path is scheduled again', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    time.now += 2 * DAY;
    await gc.schedule(sandbox);
    time.advance(5 * DAY);
    await gc.idle();
    expect(await exists(sandbox)).toBe(true);
  });

  it('keeps a sandbox that was unscheduled', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    expect(gc.unschedule(sandbox)).toBe(true);
    time.advance(8 * DAY);
    await gc.idle();
    expect(await exists(sandbox)).toBe(true);
  });

  it('does not follow a symlink out of the sandbox when removing it', async () => {
    const outside = join(workDir, 'precious');
    await mkdir(outside);
    await writeFile(join(outside, 'keep.txt'), 'keep me');
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await symlink(outside, join(sandbox, 'link'));
    await gc.schedule(sandbox);
    time.advance(7 * DAY);
    await gc.idle();
    expect(await exists(sandbox)).toBe(false);
    expect(await readFile(join(outside, 'keep.txt'), 'utf8')).toBe('keep me');
  });

  it('removes read-only directories a task left behind', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    const cache = join(sandbox, 'go', 'pkg', 'mod');
    await mkdir(cache, { recursive: true });
    await writeFile(join(cache, 'module.go'), 'package m');
    await chmod(cache, 0o555);
    await chmod(join(sandbox, 'go', 'pkg'), 0o555);
    await gc.schedule(sandbox);
    time.advance(7 * DAY);
    await gc.idle();
    expect(await exists(sandbox)).toBe(false);
  });

  it('refuses to schedule a path outside the work dir', async () => {
    await expect(gc.schedule('/etc')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_GC_PATH_OUTSIDE_WORK_DIR',
    });
  });

  it('refuses to schedule a path that climbs out of the work dir', async () => {
    await expect(gc.schedule(join(workDir, 'agents', '..', '..'))).rejects.toThrow(
      /not under the work dir/,
    );
  });

  it('refuses to schedule the agents directory itself', async () => {
    await expect(gc.schedule(join(workDir, 'agents'))).rejects.toThrow(/not under the work dir/);
  });

  it('waits in steps when the delay is longer than a timer can', async () => {
    gc = newGc(60 * DAY);
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    expect(Math.max(...time.armed)).toBeLessThanOrEqual(2 ** 31 - 1);
    for (let day = 0; day < 60; day++) {
      time.advance(DAY);
      await gc.idle();
    }
    expect(await exists(sandbox)).toBe(false);
  });

  it('removes at once what is due within a pruning window', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    await gc.prune(7 * DAY);
    expect(await exists(sandbox)).toBe(false);
  });

  it('removes nothing after it was closed', async () => {
    const sandbox = await createSandbox(workDir, ids('run-1'));
    await gc.schedule(sandbox);
    await gc.close();
    time.advance(8 * DAY);
    expect(await exists(sandbox)).toBe(true);
  });

  describe('after a restart', () => {
    it('schedules an ended sandbox for its mtime plus the delay', async () => {
      const sandbox = await createSandbox(workDir, ids('run-1'));
      const ended = time.now - 3 * DAY;
      await utimes(sandbox, ended / 1000, ended / 1000);
      expect(await gc.recover(() => false)).toBe(1);
      expect(gc.scheduled()).toEqual([{ path: sandbox, removeAt: ended + 7 * DAY }]);
    });

    it('removes the ended sandbox when that time comes', async () => {
      const sandbox = await createSandbox(workDir, ids('run-1'));
      const ended = time.now - 3 * DAY;
      await utimes(sandbox, ended / 1000, ended / 1000);
      await gc.recover(() => false);
      time.advance(4 * DAY);
      await gc.idle();
      expect(await exists(sandbox)).toBe(false);
    });

    it('removes at once a sandbox whose time has passed', async () => {
      const sandbox = await createSandbox(workDir, ids('run-1'));
      const ended = time.now - 8 * DAY;
      await utimes(sandbox, ended / 1000, ended / 1000);
      await gc.recover(() => false);
      time.advance(0);
      await gc.idle();
      expect(await exists(sandbox)).toBe(false);
    });

    it('keeps live sandboxes', async () => {
      const live = await createSandbox(workDir, ids('run-1'));
      const old = time.now - 30 * DAY;
      await utimes(live, old / 1000, old / 1000);
      await gc.recover((path) => path === live);
      time.advance(0);
      await gc.idle();
      expect(await exists(live)).toBe(true);
      expect(gc.scheduled()).toEqual([]);
    });

    it('passes the ids of each run to the liveness check', async () => {
      await createSandbox(workDir, ids('run-1'));
      const seen: SandboxIds[] = [];
      await gc.recover((_path, runIds) => {
        seen.push(runIds);
        return true;
      });
      expect(seen).toEqual([ids('run-1')]);
    });

    it('clears executor directories that hold no run', async () => {
      const sandbox = await createSandbox(workDir, ids('run-1'));
      await rm(sandbox, { recursive: true });
      await gc.recover(() => false);
      expect(await exists(executorPath(workDir, ids('run-1')))).toBe(false);
    });
  });
});
