import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, runCli } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';
import { type SecureDaemon, startSecureDaemon } from './secure-daemon.js';

describe('mesolite agent joining a master with auth on', () => {
  let daemon: SecureDaemon;
  const workDirs: string[] = [];

  beforeAll(async () => {
    daemon = await startSecureDaemon();
  });
  afterEach(async () => {
    for (const dir of workDirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  async function agentArgs(token: string): Promise<string[]> {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-agent-'));
    workDirs.push(workDir);
    return [
      'agent',
      '--master',
      daemon.url,
      '--token',
      token,
      '--work-dir',
      workDir,
      '--port',
      '0',
      '--hostname',
      'laptop-2',
      '--resources',
      'cpus:1;mem:256;disk:256;ports:[31000-31010]',
      '--log-level',
      'silent',
    ];
  }

  it('joins with the token `mesolite up` printed, over TLS pinned to its CA', async () => {
    const joinToken = daemon.joinToken ?? '';
    const child = spawn(process.execPath, [CLI_PATH, ...(await agentArgs(joinToken))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString()).toContain(`joined ${daemon.url}`);
      const agent = await waitFor('the agent to register', async () =>
        [...daemon.master.agents.values()].find((a) => a.info.hostname === 'laptop-2'),
      );
      expect(agent).toBeDefined();
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'close');
    }
  });

  it('is refused with a wrong secret: it says so, exits non-zero, nothing registered', async () => {
    const before = daemon.master.agents.size;
    const wrong = (daemon.joinToken ?? '').replace(/:[^:]+$/, ':not-the-secret-of-this-master');
    const result = await runCli(await agentArgs(wrong));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('rejected the join token');
    expect(daemon.master.agents.size).toBe(before);
  });

  it('refuses to talk to a master whose CA is not the one in the token', async () => {
    const before = daemon.master.agents.size;
    const otherCa = (daemon.joinToken ?? '').replace(/^K10[0-9a-f]{64}/, `K10${'0'.repeat(64)}`);
    const result = await runCli(await agentArgs(otherCa));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('MESOLITE_ERR_MASTER_CA_MISMATCH');
    expect(daemon.master.agents.size).toBe(before);
  });

  it('needs a token to join a TLS master', async () => {
    const args = (await agentArgs('unused')).filter(
      (arg, i, all) => arg !== '--token' && all[i - 1] !== '--token',
    );
    const result = await runCli(args, { MESOLITE_JOIN_TOKEN: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('MESOLITE_ERR_JOIN_TOKEN_REQUIRED');
  });
});
