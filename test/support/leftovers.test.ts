import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { liveGroupMembers, signalGroup } from '@mesolite/daemon/agent/process/proc-stat';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from './daemon.js';
import { endLeftoversUnder } from './leftovers.js';
import type { Json } from './raw-mesos-scheduler.js';
import { commandTask, TestFramework } from './test-framework.js';

/** A process in a group of its own, as an agent runs a task. */
function detached(command: string, args: string[], cwd: string): ChildProcess {
  const child = spawn(command, args, { cwd, detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

describe('what tests leave running', () => {
  const groups: number[] = [];
  const dirs: string[] = [];
  const daemons: TestDaemon[] = [];
  const frameworks: TestFramework[] = [];
  afterEach(async () => {
    for (const framework of frameworks.splice(0)) framework.close();
    for (const daemon of daemons.splice(0)) await daemon.stop();
    for (const pgid of groups.splice(0)) signalGroup(pgid, 'SIGKILL');
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('is looked for in a temp dir of the run’s own, which the global teardown checks', () => {
    expect(basename(tmpdir())).toMatch(/^mesolite-run-/);
  });

  it('is found by working dir or by a path in its arguments, and ended with its group', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-leftovers-'));
    const sibling = `${dir}-sibling`;
    await mkdir(sibling);
    dirs.push(dir, sibling);
    const working = detached('sleep', ['300'], dir);
    // The shell names the dir only in its script; its child sleep names nothing.
    const naming = detached('/bin/sh', ['-c', `sleep 301; : --work-dir=${dir}`], '/');
    const bystander = detached('sleep', ['302'], sibling);
    for (const child of [working, naming, bystander]) groups.push(Number(child.pid));

    const found = await endLeftoversUnder(dir);

    expect(found.processes.map((leftover) => leftover.pid).sort()).toEqual(
      [working.pid, naming.pid].sort(),
    );
    expect(await liveGroupMembers(Number(working.pid))).toEqual([]);
    expect(await liveGroupMembers(Number(naming.pid))).toEqual([]);
    expect(await liveGroupMembers(Number(bystander.pid))).toEqual([Number(bystander.pid)]);
  });

  /** A daemon with its agent, running one `sleep` task; resolves with the task's pid. */
  async function daemonWithTask(workDir?: string): Promise<{ daemon: TestDaemon; pid: number }> {
    const daemon = await startTestDaemon({}, { agent: true, workDir });
    daemons.push(daemon);
    const framework = new TestFramework(daemon.url);
    frameworks.push(framework);
    await framework.subscribe();
    await framework.launch((offer: Json) => commandTask(offer, 'sleeper', { value: 'sleep 300' }));
    const running = await framework.waitFor('sleeper', ['TASK_RUNNING']);
    const pid = Number(running.container_status.executor_pid);
    groups.push(pid);
    return { daemon, pid };
  }

  it('includes no task of a stopped test daemon, unless the test keeps them for a restart', async () => {
    const killed = await daemonWithTask();
    await killed.daemon.stop();
    expect(await liveGroupMembers(killed.pid)).toEqual([]);

    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-leftovers-kept-'));
    dirs.push(workDir);
    const kept = await daemonWithTask(workDir);
    await kept.daemon.stop({ keepTasks: true });
    expect(await liveGroupMembers(kept.pid)).toContain(kept.pid);
  });
});
