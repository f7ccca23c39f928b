import { readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readProcStatSync } from '@mesolite/daemon/agent/process/proc-stat';
import { DEFAULT_PATH } from '@mesolite/daemon/agent/process/process-containerizer';
import type { CommandInfo } from '@mesolite/daemon/protocol/mesos';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  containerizer,
  fileText,
  Owner,
  running,
  runningInGroup,
  specFor,
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

async function launch(command: CommandInfo, environment?: Record<string, string>) {
  return owner.container(
    await processes.launch(specFor(sandbox, command, environment ? { environment } : {})),
  );
}

async function run(command: CommandInfo, environment?: Record<string, string>) {
  return (await launch(command, environment)).terminated;
}

describe('ProcessContainerizer commands', () => {
  it('runs a shell command through /bin/sh -c', async () => {
    const ended = await run({ value: 'echo "$((6 * 7))" | tr 4 X' });
    expect(ended.exitCode).toBe(0);
    expect(await fileText(join(sandbox, 'stdout'))).toBe('X2\n');
  });

  it('execs value with arguments when shell is false, arguments[0] being argv[0]', async () => {
    const ended = await run({
      shell: false,
      value: 'cat',
      arguments: ['my-cat', '/proc/self/cmdline'],
    });
    expect(ended.exitCode).toBe(0);
    const argv = (await fileText(join(sandbox, 'stdout'))).split('\0');
    expect(argv.slice(0, 2)).toEqual(['my-cat', '/proc/self/cmdline']);
  });

  it('passes arguments without shell interpretation when shell is false', async () => {
    await run({
      shell: false,
      value: 'printf',
      arguments: ['printf', '[%s]\\n', 'a b', '$HOME', '*'],
    });
    expect(await fileText(join(sandbox, 'stdout'))).toBe('[a b]\n[$HOME]\n[*]\n');
  });

  it('gives the task exactly the environment of its spec', async () => {
    const environment = { PATH: DEFAULT_PATH, MESOS_TASK_ID: 'task-1', GREETING: 'a=b  c\n' };
    await run({ shell: false, value: 'env', arguments: ['env', '-0'] }, environment);
    const entries = (await fileText(join(sandbox, 'stdout'))).split('\0').filter(Boolean);
    expect(entries.sort()).toEqual(
      Object.entries(environment)
        .map(([name, value]) => `${name}=${value}`)
        .sort(),
    );
  });

  it('adds the default PATH when the environment has none', async () => {
    await run({ value: 'echo "$PATH"' }, { FOO: 'bar' });
    expect(await fileText(join(sandbox, 'stdout'))).toBe(`${DEFAULT_PATH}\n`);
  });

  it('keeps a PATH the environment gives', async () => {
    await run({ value: 'echo "$PATH"' }, { PATH: '/opt/tools/bin:/usr/bin:/bin' });
    expect(await fileText(join(sandbox, 'stdout'))).toBe('/opt/tools/bin:/usr/bin:/bin\n');
  });

  it('runs the task with the sandbox as its working directory', async () => {
    await run({ shell: false, value: 'readlink', arguments: ['readlink', '/proc/self/cwd'] });
    expect(await fileText(join(sandbox, 'stdout'))).toBe(`${sandbox}\n`);
  });

  it('appends stdout and stderr to files in the sandbox', async () => {
    await writeFile(join(sandbox, 'stdout'), 'fetcher said hello\n');
    await run({ value: 'echo to-out; echo to-err >&2' });
    expect(await fileText(join(sandbox, 'stdout'))).toBe('fetcher said hello\nto-out\n');
    expect(await fileText(join(sandbox, 'stderr'))).toBe('to-err\n');
  });

  it('hands the task files, not pipes, for stdout and stderr', async () => {
    const container = await launch({ value: 'echo ready; sleep 30' });
    await waitForOutput(sandbox, 'ready');
    expect(await readlink(`/proc/${container.pid}/fd/1`)).toBe(join(sandbox, 'stdout'));
    expect(await readlink(`/proc/${container.pid}/fd/2`)).toBe(join(sandbox, 'stderr'));
  });

  it('checkpoints the pid with its start time, boot id and sandbox', async () => {
    const container = await launch({ value: 'sleep 30' });
    const checkpoint = container.checkpoint();
    expect(checkpoint).toMatchObject({
      kind: 'process',
      containerId: container.containerId,
      pid: container.pid,
      startTime: readProcStatSync(container.pid)?.startTime,
      sandbox,
    });
    expect(checkpoint.bootId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs the task in its own process group and session', async () => {
    const container = await launch({ value: 'sleep 30' });
    const stat = readProcStatSync(container.pid);
    expect(stat?.pgrp).toBe(container.pid);
    expect(stat?.pgrp).not.toBe(process.pid);
  });

  it('answers 127.0.0.1 as the health check host', async () => {
    const container = await launch({ value: 'true' });
    expect(container.healthCheckHost).toBe('127.0.0.1');
  });
});

describe('ProcessContainerizer terminations', () => {
  it('reports exit status 0 as Mesos words it', async () => {
    expect(await run({ value: 'exit 0' })).toEqual({
      exitCode: 0,
      message: 'Command exited with status 0',
    });
  });

  it('reports a non-zero exit status', async () => {
    expect(await run({ value: 'exit 42' })).toEqual({
      exitCode: 42,
      message: 'Command exited with status 42',
    });
  });

  it('reports a task killed by a signal by its name', async () => {
    expect(await run({ value: 'kill -USR1 $$' })).toEqual({
      signal: 'SIGUSR1',
      message: 'Command terminated with signal SIGUSR1',
    });
  });

  it('says plainly which command was not found', async () => {
    const ended = await run({ value: 'python toggle.py $PORT0' }, { PATH: '/nonexistent' });
    expect(ended).toEqual({ exitCode: 127, message: 'python: not found' });
  });

  it('says plainly which program was not found when shell is false', async () => {
    const ended = await run({
      shell: false,
      value: 'no-such-program',
      arguments: ['no-such-program', '--flag'],
    });
    expect(ended).toEqual({ exitCode: 127, message: 'no-such-program: not found' });
  });

  it('says plainly which program was not found when argv[0] differs', async () => {
    const ended = await run({ shell: false, value: 'no-such-program', arguments: ['other-name'] });
    expect(ended).toEqual({ exitCode: 127, message: 'no-such-program: not found' });
  });

  it('says which file cannot be executed', async () => {
    await writeFile(join(sandbox, 'notes.txt'), 'not a program\n');
    const ended = await run({ value: './notes.txt' });
    expect(ended).toEqual({ exitCode: 126, message: './notes.txt: Permission denied' });
  });

  it('refuses a command without a value', async () => {
    await expect(processes.launch(specFor(sandbox, {}))).rejects.toThrow(/no value/);
  });

  it('refuses a Docker container', async () => {
    const spec = specFor(sandbox, { value: 'true' });
    spec.container = { type: 'DOCKER', docker: { image: 'busybox' } };
    await expect(processes.launch(spec)).rejects.toThrow(/docker containerizer/);
  });

  it('refuses a sandbox that does not exist', async () => {
    await expect(
      processes.launch(specFor(join(sandbox, 'missing'), { value: 'true' })),
    ).rejects.toThrow(/not an existing directory/);
  });
});

describe('ProcessContainerizer kill', () => {
  it('lets a task that handles SIGTERM exit on its own within the grace period', async () => {
    const container = await launch({
      value: "trap 'echo cleaning up; exit 3' TERM; echo ready; while :; do sleep 0.05; done",
    });
    await waitForOutput(sandbox, 'ready');
    const started = Date.now();
    await container.kill(10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await container.terminated).toEqual({
      exitCode: 3,
      message: 'Command exited with status 3',
    });
    expect(await fileText(join(sandbox, 'stdout'))).toContain('cleaning up');
  });

  it('SIGKILLs a task that ignores SIGTERM once the grace period is over', async () => {
    const container = await launch({
      value: "trap '' TERM; echo ready; while :; do sleep 0.05; done",
    });
    await waitForOutput(sandbox, 'ready');
    const started = Date.now();
    await container.kill(500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(await container.terminated).toEqual({
      signal: 'SIGKILL',
      message: 'Command terminated with signal SIGKILL',
    });
  });

  it('reports SIGTERM when the task dies of it', async () => {
    const container = await launch({ value: 'echo ready; exec sleep 30' });
    await waitForOutput(sandbox, 'ready');
    await container.kill(10_000);
    expect(await container.terminated).toEqual({
      signal: 'SIGTERM',
      message: 'Command terminated with signal SIGTERM',
    });
  });

  it('leaves no process of the task group after a kill', async () => {
    const container = await launch({
      value: "trap '' TERM; sleep 300 & sleep 300 & echo ready; wait",
    });
    await waitForOutput(sandbox, 'ready');
    expect(runningInGroup(container.pid).length).toBeGreaterThanOrEqual(3);
    await container.kill(200);
    expect(runningInGroup(container.pid)).toEqual([]);
  });

  it('kills what a task left in the background when it exits', async () => {
    const container = await launch({ value: 'sleep 300 & echo $! > background.pid; exit 0' });
    expect((await container.terminated).exitCode).toBe(0);
    const background = Number(await fileText(join(sandbox, 'background.pid')));
    expect(running(background)).toBe(false);
    expect(runningInGroup(container.pid)).toEqual([]);
  });

  it('resolves kill at once for a task that already ended', async () => {
    const container = await launch({ value: 'exit 5' });
    await container.terminated;
    await container.kill(60_000);
    expect((await container.terminated).exitCode).toBe(5);
  });
});
