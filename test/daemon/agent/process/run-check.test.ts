import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containerizer, fileText, Owner, running, specFor, waitForOutput } from './harness.js';

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

async function runningTask() {
  return owner.container(
    await processes.launch(
      specFor(sandbox, { value: 'sleep 60' }, { environment: { PORT0: '31000', FOO: 'task' } }),
    ),
  );
}

describe('ProcessContainer.runCheck', () => {
  it('runs a COMMAND check with the task environment and sandbox', async () => {
    const task = await runningTask();
    const result = await task.runCheck({ value: 'echo "$PORT0 $FOO"; pwd' }, 5000);
    expect(result).toEqual({ exitCode: 0, output: `31000 task\n${sandbox}\n` });
  });

  it('lets the check command add to the task environment', async () => {
    const task = await runningTask();
    const result = await task.runCheck(
      { value: 'echo "$FOO $EXTRA"', environment: { variables: [{ name: 'EXTRA', value: 'x' }] } },
      5000,
    );
    expect(result.output).toBe('task x\n');
  });

  it('answers the check exit code and its stdout and stderr', async () => {
    const task = await runningTask();
    expect(await task.runCheck({ value: 'echo out; echo err >&2; exit 3' }, 5000)).toEqual({
      exitCode: 3,
      output: 'out\nerr\n',
    });
  });

  it('kills a check that outlives its timeout, with what it started', async () => {
    const task = await runningTask();
    const started = Date.now();
    const result = await task.runCheck(
      { value: 'sleep 60 & echo $! > check-child.pid; echo waiting; wait' },
      300,
    );
    expect(result).toEqual({ exitCode: null, output: 'waiting\n' });
    expect(Date.now() - started).toBeLessThan(5000);
    const child = Number(await fileText(join(sandbox, 'check-child.pid')));
    expect(running(child)).toBe(false);
  });

  it('does not touch the task when it kills a check', async () => {
    const task = owner.container(
      await processes.launch(specFor(sandbox, { value: 'echo ready; sleep 60' })),
    );
    await waitForOutput(sandbox, 'ready');
    await task.runCheck({ value: 'sleep 60' }, 100);
    expect(running(task.pid)).toBe(true);
  });
});
