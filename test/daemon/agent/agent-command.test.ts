import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';

describe('mesolite master and mesolite agent', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('an agent started on its own joins a master and offers the resources and attributes it was given', async () => {
    const masterDir = await mkdtemp(join(tmpdir(), 'mesolite-master-'));
    const agentDir = await mkdtemp(join(tmpdir(), 'mesolite-agent-'));
    dirs.push(masterDir, agentDir);
    const master = await startCliDaemon(['master', '--port', '0', '--work-dir', masterDir]);
    children.push(master.child);
    const url = master.url;

    const noAgents = await (await fetch(`${url}/master/state`)).json();
    expect(noAgents.slaves).toEqual([]);

    const agent = await startCliDaemon(
      [
        'agent',
        '--master',
        url,
        '--work-dir',
        agentDir,
        '--port',
        '0',
        '--hostname',
        'laptop-7',
        '--resources',
        'cpus:2;mem:512;disk:100;ports:[40000-40010]',
        '--attributes',
        'rack:a;zone:lab',
      ],
      /^mesolite agent (\S+) joined /,
    );
    children.push(agent.child);
    expect(agent.line).toMatch(/^mesolite agent \S+ joined /);

    const state = await (await fetch(`${url}/master/state`)).json();
    const [slave] = state.slaves as Json[];
    expect(slave.hostname).toBe('laptop-7');
    expect(slave.resources).toMatchObject({ cpus: 2, mem: 512, disk: 100, ports: '[40000-40010]' });
    expect(slave.attributes).toEqual({ rack: 'a', zone: 'lab' });
  });
});
