import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Container, Task } from '@mesolite/plugin-aurora/job-config';
import { RUNNER_SPEC_ENV } from '@mesolite/plugin-aurora/thermos/runner-spec';
import type { RunnerState } from '@mesolite/plugin-aurora/thermos/runner-state';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { busyboxImage, dockerEngine } from '../../../support/real-services.js';
import { waitFor } from '../../../support/wait.js';
import { process as proc, sequentialTask, task } from './task-fixtures.js';

/** The built runner, as the agent runs it (`npx tsc -b plugins/aurora` builds it). */
const RUNNER = resolve(import.meta.dirname, '../../../../plugins/aurora/dist/thermos/runner.js');

/** The real runner on real shell processes, in a throwaway sandbox. */
describe('the Thermos runner', () => {
  let sandbox: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'mesolite-thermos-'));
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    child = undefined;
    await rm(sandbox, { recursive: true, force: true });
  });

  function startRunner(t: Task, container?: Container): ChildProcess {
    const spec = { task_id: 'task-1', task: t, ...(container === undefined ? {} : { container }) };
    child = spawn(process.execPath, [RUNNER], {
      cwd: sandbox,
      env: { ...process.env, [RUNNER_SPEC_ENV]: JSON.stringify(spec) },
      stdio: 'ignore',
    });
    return child;
  }

  async function run(
    t: Task,
    container?: Container,
  ): Promise<{ code: number | null; state: RunnerState }> {
    const runner = startRunner(t, container);
    const [code] = (await once(runner, 'exit')) as [number | null];
    return { code, state: await checkpoint() };
  }

  async function checkpoint(): Promise<RunnerState> {
    return JSON.parse(await readFile(join(sandbox, '.thermos/state.json'), 'utf8')) as RunnerState;
  }

  const log = (name: string, run: number, stream = 'stdout') =>
    readFile(join(sandbox, '.logs', name, String(run), stream), 'utf8');

  it('runs a SequentialTask in order and writes each process’s output to .logs/<process>/<run>/', async () => {
    const t = sequentialTask([
      proc('first', 'echo one >> order; echo to-stderr >&2'),
      proc('second', 'sleep 0.2; echo two >> order'),
      proc('third', 'echo three >> order; echo done'),
    ]);
    const { code, state } = await run(t);
    expect(code).toBe(0);
    expect(state.task_state).toBe('SUCCESS');
    expect(await readFile(join(sandbox, 'order'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(await log('first', 0, 'stderr')).toBe('to-stderr\n');
    expect(await log('third', 0)).toBe('done\n');
    expect(state.processes.second?.[0]).toMatchObject({ state: 'SUCCESS', return_code: 0 });
  });

  it('restarts a failing process up to max_failures and records each run and exit code', async () => {
    const t = task(
      [proc('flaky', 'echo run >> runs; exit 3', { max_failures: 3, min_duration: 0 })],
      { max_failures: 1 },
    );
    const { code, state } = await run(t);
    expect(code).toBe(1);
    expect(state.task_state).toBe('FAILED');
    expect(state.processes.flaky?.map((r) => [r.run, r.state, r.return_code])).toEqual([
      [0, 'FAILED', 3],
      [1, 'FAILED', 3],
      [2, 'FAILED', 3],
    ]);
    expect(await readFile(join(sandbox, 'runs'), 'utf8')).toBe('run\nrun\nrun\n');
  });

  it('stops an ephemeral process once the regular ones are done, and succeeds', async () => {
    const t = task([
      proc('main', 'sleep 0.3'),
      proc('sidecar', 'exec sleep 60', { ephemeral: true }),
    ]);
    const { code, state } = await run(t);
    expect(code).toBe(0);
    expect(state.processes.sidecar?.[0]?.state).toBe('KILLED');
  });

  it('runs final processes after a failure and still ends FAILED', async () => {
    const t = task([proc('main', 'exit 1'), proc('cleanup', 'echo cleaned', { final: true })]);
    const { code, state } = await run(t);
    expect(code).toBe(1);
    expect(state.task_state).toBe('FAILED');
    expect(await log('cleanup', 0)).toBe('cleaned\n');
  });

  it('on SIGTERM kills its processes, runs final processes and ends KILLED', async () => {
    const t = task([
      proc('server', 'exec sleep 60'),
      proc('farewell', 'echo bye', { final: true }),
    ]);
    const runner = startRunner(t);
    await waitFor('the server process to run', async () => {
      const state = await checkpoint();
      return state.processes.server?.[0]?.state === 'RUNNING' ? true : undefined;
    });
    runner.kill('SIGTERM');
    const [code] = (await once(runner, 'exit')) as [number | null];
    const state = await checkpoint();
    expect(code).toBe(1);
    expect(state.task_state).toBe('KILLED');
    expect(state.processes.server?.[0]?.state).toBe('KILLED');
    expect(await log('farewell', 0)).toBe('bye\n');
  });

  it('runs each process inside the task’s Docker image, with the sandbox as its working directory', async () => {
    const image = await busyboxImage(await dockerEngine());
    const t = sequentialTask([
      proc('write', 'test -f /.dockerenv && echo in-a-container > marker'),
      proc('read', 'cat marker; pwd'),
    ]);
    const { code, state } = await run(t, { docker: { image, parameters: [] } });
    expect(code).toBe(0);
    expect(state.task_state).toBe('SUCCESS');
    expect(await log('read', 0)).toBe('in-a-container\n/mnt/mesos/sandbox\n');
  });

  it('stops a process running in a container when the task is killed, and removes the container', async () => {
    const docker = await dockerEngine();
    const image = await busyboxImage(docker);
    const runner = startRunner(task([proc('server', 'sleep 60')], { finalization_wait: 10 }), {
      docker: { image, parameters: [] },
    });
    await waitFor('the container to run', async () => {
      const found = await docker.listContainers({ filters: { name: ['thermos-task-1-server-0'] } });
      return found.length === 1 ? true : undefined;
    });
    runner.kill('SIGTERM');
    await once(runner, 'exit');
    expect((await checkpoint()).processes.server?.[0]?.state).toBe('KILLED');
    const left = await waitFor('the container to be removed', async () => {
      const found = await docker.listContainers({
        all: true,
        filters: { name: ['thermos-task-1-server-0'] },
      });
      return found.length === 0 ? found : undefined;
    });
    expect(left).toEqual([]);
  });
});
