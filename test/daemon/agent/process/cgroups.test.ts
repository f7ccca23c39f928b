import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { limitsSupport } from '@mesolite/daemon/agent/process/cgroups';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CGROUPS_ROOT,
  containerizer,
  fileText,
  killAgent,
  launchInChildAgent,
  Owner,
  pidOf,
  running,
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

// Decided once for the file: these tests need root and a cgroup hierarchy with the
// memory controller; the describe title carries the reason when they are skipped.
const support = await limitsSupport({ root: CGROUPS_ROOT });

async function gone(path: string): Promise<boolean> {
  return access(path).then(
    () => false,
    () => true,
  );
}

function cgroupDirOf(checkpoint: Record<string, unknown>, key: 'cgroupMemory' | 'cgroupCpu') {
  const dir = checkpoint[key];
  if (typeof dir !== 'string') throw new Error(`the checkpoint has no ${key}`);
  return dir;
}

describe.skipIf(!support.enforced)(`cgroup limits (${support.reason})`, () => {
  it('ends a task that exceeds its memory limit with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const container = owner.container(
      await processes.launch(
        specFor(
          sandbox,
          { value: "python3 -c 'x = bytearray(200*1024*1024); import time; time.sleep(5)'" },
          { limits: { memMb: 50 } },
        ),
      ),
    );
    const ended = await container.terminated;
    expect(ended.reason).toBe('REASON_CONTAINER_LIMITATION_MEMORY');
    expect(ended.message).toMatch(/^Memory limit exceeded: Requested: 50MB Maximum Used: \d+/);
  });

  it('puts the task in its cgroup before the command runs', async () => {
    const spec = specFor(sandbox, { value: 'cat /proc/self/cgroup' }, { limits: { memMb: 64 } });
    const container = owner.container(await processes.launch(spec));
    await container.terminated;
    const cgroups = await fileText(join(sandbox, 'stdout'));
    expect(cgroups).toMatch(
      new RegExp(
        `:memory:.*/${CGROUPS_ROOT}/${spec.containerId}$|^0::.*/${CGROUPS_ROOT}/${spec.containerId}$`,
        'm',
      ),
    );
  });

  it('caps memory at the task limit, with no swap', async () => {
    const container = owner.container(
      await processes.launch(specFor(sandbox, { value: 'sleep 30' }, { limits: { memMb: 64 } })),
    );
    const dir = cgroupDirOf(container.checkpoint(), 'cgroupMemory');
    const bytes = String(64 * 1024 * 1024);
    if (support.version === 'v2') {
      expect((await readFile(join(dir, 'memory.max'), 'utf8')).trim()).toBe(bytes);
      const swap = await readFile(join(dir, 'memory.swap.max'), 'utf8').catch(() => '0');
      expect(swap.trim()).toBe('0');
    } else {
      expect((await readFile(join(dir, 'memory.limit_in_bytes'), 'utf8')).trim()).toBe(bytes);
      const memsw = await readFile(join(dir, 'memory.memsw.limit_in_bytes'), 'utf8').catch(
        () => bytes,
      );
      expect(memsw.trim()).toBe(bytes);
    }
  });

  it('weighs the task CPU by its cpus', async () => {
    const container = owner.container(
      await processes.launch(specFor(sandbox, { value: 'sleep 30' }, { limits: { cpus: 0.5 } })),
    );
    const checkpoint = container.checkpoint();
    if (support.version === 'v2') {
      const dir = cgroupDirOf(checkpoint, 'cgroupMemory');
      // 512 shares in v1 terms, converted as runc and systemd convert them.
      expect((await readFile(join(dir, 'cpu.weight'), 'utf8')).trim()).toBe('20');
    } else {
      const dir = cgroupDirOf(checkpoint, 'cgroupCpu');
      expect((await readFile(join(dir, 'cpu.shares'), 'utf8')).trim()).toBe('512');
    }
  });

  it('removes the task cgroup when the task ends', async () => {
    const container = owner.container(
      await processes.launch(specFor(sandbox, { value: 'exit 0' }, { limits: { memMb: 64 } })),
    );
    const dir = cgroupDirOf(container.checkpoint(), 'cgroupMemory');
    await container.terminated;
    expect(await gone(dir)).toBe(true);
  });

  it('kills a process that left the task process group, through the cgroup', async () => {
    const container = owner.container(
      await processes.launch(
        specFor(sandbox, { value: 'setsid sleep 300 & echo $! > escaped.pid; sleep 0.2; exit 0' }),
      ),
    );
    await container.terminated;
    const escaped = Number(await fileText(join(sandbox, 'escaped.pid')));
    expect(escaped).toBeGreaterThan(0);
    expect(running(escaped)).toBe(false);
  });

  it('removes the cgroup of a task that ended while the agent was down', async () => {
    const { agent, checkpoint } = await launchInChildAgent(
      owner,
      specFor(
        sandbox,
        { value: 'echo ready; while [ ! -e stop ]; do sleep 0.05; done' },
        {
          limits: { memMb: 64 },
        },
      ),
    );
    await waitForOutput(sandbox, 'ready');
    await killAgent(agent);
    await writeFile(join(sandbox, 'stop'), '');
    await waitFor('the task to end', () => !running(pidOf(checkpoint)));

    expect(await processes.recover(checkpoint)).toMatchObject({ exitCode: 0 });
    expect(await gone(cgroupDirOf(checkpoint, 'cgroupMemory'))).toBe(true);
  });
});

describe('without cgroups', () => {
  const unlimited = containerizer({ cgroups: false });

  it('says that limits are not enforced, and why', async () => {
    expect(await unlimited.limitsSupport()).toEqual({
      enforced: false,
      reason:
        'Task resource limits are not enforced: cgroups are turned off for the process containerizer',
    });
  });

  it('still runs a task that has limits', async () => {
    const container = owner.container(
      await unlimited.launch(
        specFor(sandbox, { value: 'echo ran' }, { limits: { memMb: 50, cpus: 0.1 } }),
      ),
    );
    expect(await container.terminated).toEqual({
      exitCode: 0,
      message: 'Command exited with status 0',
    });
    expect(container.checkpoint().cgroupMemory).toBeNull();
  });
});
