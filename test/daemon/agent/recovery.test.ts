import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliDaemon, startCliDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { commandTask, TestFramework } from '../../support/test-framework.js';

function startCli(workDir: string, port: number): Promise<CliDaemon> {
  return startCliDaemon(['up', '--port', String(port), '--work-dir', workDir]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the whole daemon killed with -9 and restarted', () => {
  const children: ChildProcess[] = [];
  const pids: number[] = [];
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of pids.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('re-attaches to a running task: same pid, still RUNNING, not launched twice', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-agent-recovery-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    const first = await startCli(workDir, 0);
    children.push(first.child);
    const port = Number(new URL(first.url).port);

    const framework = new TestFramework(first.url);
    cleanups.push(() => framework.close());
    const frameworkId = await framework.subscribe();
    await framework.launch((offer) => commandTask(offer, 'long-sleep', { value: 'sleep 300' }));
    await framework.launch((offer) =>
      commandTask(offer, 'dies-while-down', { value: 'sleep 300' }),
    );
    const running = await framework.waitFor('long-sleep', ['TASK_RUNNING']);
    const doomed = await framework.waitFor('dies-while-down', ['TASK_RUNNING']);
    const pid: number = running.container_status.executor_pid;
    const doomedPid: number = doomed.container_status.executor_pid;
    pids.push(pid, doomedPid);
    expect(alive(pid)).toBe(true);
    // Let the acknowledgements reach the agent before the crash.
    await new Promise((resolve) => setTimeout(resolve, 300));

    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    framework.close();
    expect(alive(pid)).toBe(true);
    process.kill(-doomedPid, 'SIGKILL');

    const second = await startCli(workDir, port);
    children.push(second.child);
    const again = new TestFramework(second.url);
    cleanups.push(() => again.close());
    expect(await again.subscribe({}, frameworkId)).toBe(frameworkId);

    const died = await again.waitFor('dies-while-down', [
      'TASK_FAILED',
      'TASK_KILLED',
      'TASK_FINISHED',
    ]);
    expect(died.state).toBe('TASK_FAILED');
    expect(died.reason).toBe('REASON_EXECUTOR_TERMINATED');
    expect(died.message).toContain('ended while the agent was down');

    await again.scheduler.call({
      type: 'RECONCILE',
      framework_id: { value: frameworkId },
      reconcile: { tasks: [{ task_id: { value: 'long-sleep' } }] },
    });
    const reconciled = await again.waitFor('long-sleep', [
      'TASK_RUNNING',
      'TASK_FAILED',
      'TASK_LOST',
      'TASK_KILLED',
    ]);
    expect(reconciled.state).toBe('TASK_RUNNING');
    expect(alive(pid)).toBe(true);

    const tasks = (await (
      await fetch(`${second.url}/api/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'GET_TASKS' }),
      })
    ).json()) as Json;
    const sleeping = tasks.get_tasks.tasks.filter(
      (task: Json) => task.task_id.value === 'long-sleep',
    );
    expect(sleeping).toHaveLength(1);
    expect(sleeping[0].state).toBe('TASK_RUNNING');
    // Exactly one `sleep 300` of ours still runs: the original one.
    const stat = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    expect(stat).toContain('sleep');
  });
});
