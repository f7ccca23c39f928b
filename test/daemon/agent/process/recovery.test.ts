import { spawn } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerCheckpoint } from '@mesolite/daemon/agent/containerizer';
import type { ProcessContainer } from '@mesolite/daemon/agent/process/process-container';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  containerizer,
  killAgent,
  launchInChildAgent,
  Owner,
  pidOf,
  running,
  runningInGroup,
  specFor,
  waitFor,
  waitForOutput,
} from './harness.js';

const owner = new Owner();
const processes = containerizer();
let sandbox: string;

beforeEach(async () => {
  sandbox = await owner.sandbox();
});
afterEach(async () => {
  await owner.cleanup(processes);
});
afterAll(async () => {
  await owner.removeCgroupsRoot();
});

async function recoverRunning(checkpoint: ContainerCheckpoint): Promise<ProcessContainer> {
  const recovered = await processes.recover(checkpoint);
  if (!('terminated' in recovered)) {
    throw new Error(`expected a running container, got: ${recovered.message}`);
  }
  return owner.container(recovered);
}

/** Waits for the "stop" file, then exits 7: a task whose end the test decides. */
const STOPPABLE = 'echo ready; while [ ! -e stop ]; do sleep 0.05; done; exit 7';

describe('ProcessContainerizer recovery', () => {
  it('re-attaches to a task that outlived a kill -9 of its agent, with the same pid', async () => {
    const { agent, checkpoint } = await launchInChildAgent(
      owner,
      specFor(sandbox, { value: STOPPABLE }),
    );
    await waitForOutput(sandbox, 'ready');
    await killAgent(agent);
    expect(running(pidOf(checkpoint))).toBe(true);

    const recovered = await recoverRunning(checkpoint);
    expect(recovered.pid).toBe(pidOf(checkpoint));
    expect(recovered.checkpoint()).toEqual(checkpoint);
  });

  it('reports how a re-attached task ends, though the agent is not its parent', async () => {
    const { agent, checkpoint } = await launchInChildAgent(
      owner,
      specFor(sandbox, { value: STOPPABLE }),
    );
    await waitForOutput(sandbox, 'ready');
    await killAgent(agent);
    const recovered = await recoverRunning(checkpoint);

    await writeFile(join(sandbox, 'stop'), '');
    expect(await recovered.terminated).toEqual({
      exitCode: 7,
      message: 'Command exited with status 7',
    });
  });

  it('reports the exit status of a task that ended while the agent was down', async () => {
    const { agent, checkpoint } = await launchInChildAgent(
      owner,
      specFor(sandbox, { value: STOPPABLE }),
    );
    await waitForOutput(sandbox, 'ready');
    await killAgent(agent);
    await writeFile(join(sandbox, 'stop'), '');
    await waitFor('the task to end', () => !running(pidOf(checkpoint)));

    const recovered = await processes.recover(checkpoint);
    expect(recovered).toEqual({ exitCode: 7, message: 'Command exited with status 7' });
  });

  it('keeps writing the task output to the sandbox while no agent runs', async () => {
    const { agent } = await launchInChildAgent(
      owner,
      specFor(sandbox, { value: 'while :; do echo tick; sleep 0.02; done' }),
    );
    await waitForOutput(sandbox, 'tick');
    await killAgent(agent);
    const sizeAtDeath = (await stat(join(sandbox, 'stdout'))).size;
    await waitFor(
      'more output',
      async () => (await stat(join(sandbox, 'stdout'))).size > sizeAtDeath + 50,
    );
  });

  it('kills a re-attached task with its whole process group', async () => {
    const { agent, checkpoint } = await launchInChildAgent(
      owner,
      specFor(sandbox, {
        value: "trap '' TERM; sleep 300 & echo ready; while :; do sleep 0.05; done",
      }),
    );
    await waitForOutput(sandbox, 'ready');
    await killAgent(agent);
    const recovered = await recoverRunning(checkpoint);

    await recovered.kill(200);
    expect(await recovered.terminated).toEqual({
      signal: 'SIGKILL',
      message: 'Command terminated with signal SIGKILL',
    });
    expect(runningInGroup(pidOf(checkpoint))).toEqual([]);
  });

  it('does not take a process that reuses the pid for the task, nor signal it', async () => {
    const ended = owner.container(await processes.launch(specFor(sandbox, { value: 'exit 4' })));
    await ended.terminated;
    // Start times count in clock ticks (10 ms): the stranger must start in a later one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Another process with the pid: what the kernel does once the task's pid is free.
    const stranger = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    stranger.unref();
    if (stranger.pid === undefined) throw new Error('sleep did not start');
    owner.pid(stranger.pid);

    const recovered = await processes.recover({ ...ended.checkpoint(), pid: stranger.pid });
    expect(recovered).toEqual({ exitCode: 4, message: 'Command exited with status 4' });
    expect(running(stranger.pid)).toBe(true);
  });

  it('reports an unknown end when the task left no exit status', async () => {
    const { agent, checkpoint } = await launchInChildAgent(
      owner,
      specFor(sandbox, { value: STOPPABLE }),
    );
    await waitForOutput(sandbox, 'ready');
    await killAgent(agent);
    // The wrapper dies with its task (kill -9 of the group): nothing records the status.
    process.kill(-pidOf(checkpoint), 'SIGKILL');
    await waitFor('the task to end', () => !running(pidOf(checkpoint)));

    const recovered = await processes.recover(checkpoint);
    expect(recovered).toMatchObject({ reason: 'REASON_EXECUTOR_TERMINATED' });
  });

  it('refuses a checkpoint it did not write', async () => {
    await expect(
      processes.recover({ kind: 'docker', containerId: 'c1', dockerId: 'abc' }),
    ).rejects.toThrow(/Cannot recover process container c1: its kind is docker/);
  });
});
