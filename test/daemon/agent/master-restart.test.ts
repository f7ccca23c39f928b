import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDaemon, startCliDaemon } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';

interface SlaveState {
  slaves: { id: string; active: boolean }[];
}

/**
 * A `mesolite agent` process whose master stops and starts again: a master that stops
 * closes every agent's channel itself, which socket.io clients do not reconnect after
 * on their own; the agent must, as a Mesos agent keeps re-registering with its master.
 */
describe('an agent whose master restarts', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  let masterDir: string;
  let master: CliDaemon;
  let agentId: string;

  const startMaster = (port: number) =>
    startCliDaemon(['master', '--port', String(port), '--work-dir', masterDir, '--plugins', '']);

  beforeAll(async () => {
    masterDir = await mkdtemp(join(tmpdir(), 'mesolite-restart-master-'));
    const agentDir = await mkdtemp(join(tmpdir(), 'mesolite-restart-agent-'));
    dirs.push(masterDir, agentDir);
    master = await startMaster(0);
    children.push(master.child);
    const agent = await startCliDaemon(
      ['agent', '--master', master.url, '--work-dir', agentDir, '--port', '0'],
      /^mesolite agent (\S+) joined /,
    );
    children.push(agent.child);
    agentId = agent.url;
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('re-registers by itself, under the same id, when the master is back on its address', async () => {
    const port = Number(new URL(master.url).port);
    master.child.kill('SIGTERM');
    await once(master.child, 'exit');
    master = await startMaster(port);
    children.push(master.child);
    const slave = await waitFor('the agent back with the restarted master', async () => {
      const state = (await (await fetch(`${master.url}/master/state`)).json()) as SlaveState;
      return state.slaves.find((found) => found.id === agentId && found.active);
    });
    expect(slave.id).toBe(agentId);
  });
});
