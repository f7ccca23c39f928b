import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type SecureDaemon, startSecureDaemon } from '../daemon/auth/secure-daemon.js';
import { CLI_PATH, runCli } from '../support/daemon.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

/**
 * A LAN of three hosts on this machine, as RECIPES.md builds one: a bridge with the
 * master's address, and two network namespaces each joined to it by a veth pair. Names
 * and the subnet are picked per run so that two runs cannot touch each other's network;
 * the test targets only addresses it made and removes everything in afterAll.
 */
class TestLan {
  readonly id = `ml${process.pid % 1000}${Math.floor(Math.random() * 1000)}`;
  readonly subnet =
    `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
  readonly bridge = `${this.id}br`;
  readonly masterAddress = `${this.subnet}.1`;
  readonly hosts: { readonly netns: string; readonly address: string }[] = [];

  async create(hostCount: number): Promise<void> {
    await run('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${this.masterAddress}/24`, 'dev', this.bridge]);
    await run('ip', ['link', 'set', this.bridge, 'up']);
    for (let n = 1; n <= hostCount; n++) {
      const netns = `${this.id}h${n}`;
      const veth = `${this.id}v${n}`;
      const address = `${this.subnet}.${n + 1}`;
      this.hosts.push({ netns, address });
      await run('ip', ['netns', 'add', netns]);
      await run('ip', [
        'link',
        'add',
        veth,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        netns,
      ]);
      await run('ip', ['link', 'set', veth, 'master', this.bridge, 'up']);
      await run('ip', ['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', netns, 'link', 'set', 'eth0', 'up']);
      await run('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    }
  }

  /** Kills every process on the LAN's hosts, then removes the hosts and the bridge. */
  async remove(): Promise<void> {
    for (const { netns } of this.hosts) {
      const pids = await run('ip', ['netns', 'pids', netns]).then(
        ({ stdout }) => stdout.split(/\s+/).filter(Boolean),
        () => [],
      );
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await run('ip', ['netns', 'del', netns]).catch(() => undefined);
    }
    await run('ip', ['link', 'del', this.bridge]).catch(() => undefined);
  }
}

const SEEN_MS = 120_000;

describe('a LAN cluster: a TLS master and agents on other hosts joined by token', () => {
  const lan = new TestLan();
  let daemon: SecureDaemon;
  let token: string;
  const agents: ChildProcess[] = [];
  const workDirs: string[] = [];

  async function agentArgs(host: TestLan['hosts'][number], joinToken: string): Promise<string[]> {
    const workDir = await mkdtemp(join(tmpdir(), 'mesolite-lan-agent-'));
    workDirs.push(workDir);
    return [
      'netns',
      'exec',
      host.netns,
      process.execPath,
      CLI_PATH,
      'agent',
      '--master',
      daemon.url,
      '--token',
      joinToken,
      '--ip',
      host.address,
      '--work-dir',
      workDir,
      '--port',
      '0',
      '--resources',
      'cpus:1;mem:512;disk:1024;ports:[31000-31100]',
      '--log-level',
      'silent',
    ];
  }

  beforeAll(async () => {
    await lan.create(2);
    daemon = await startSecureDaemon({
      host: lan.masterAddress,
      auth: false,
      agent: true,
      plugins: ['marathon'],
    });
    token = await daemon.login(ADMIN);
  });

  afterAll(async () => {
    if (daemon) {
      await daemon
        .fetch(token)(`${daemon.url}/service/marathon/v2/apps/lan-web?force=true`, {
          method: 'DELETE',
        })
        .catch(() => undefined);
    }
    for (const agent of agents) agent.kill('SIGKILL');
    await lan.remove();
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    for (const dir of workDirs) await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS on the LAN address, with authentication on', async () => {
    expect(daemon.url).toMatch(new RegExp(`^https://${lan.masterAddress.replaceAll('.', '\\.')}:`));
    expect((await daemon.fetch()(`${daemon.url}/master/state`)).status).toBe(401);
  });

  it('refuses an agent with a wrong token: it exits non-zero and nothing registers', async () => {
    const host = lan.hosts[0];
    if (!host) throw new Error('the LAN has no host');
    const wrong = (daemon.joinToken ?? '').replace(/:[^:]+$/, ':a-secret-this-master-never-made');
    const [command, ...args] = ['ip', ...(await agentArgs(host, wrong))];
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(command ?? 'ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
      });
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('rejected the join token');
    expect([...daemon.master.agents.values()].map((a) => a.info.hostname)).not.toContain(
      host.address,
    );
  });

  it('joins the agents of both hosts by token', async () => {
    for (const host of lan.hosts) {
      const child = spawn('ip', await agentArgs(host, daemon.joinToken ?? ''), {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      agents.push(child);
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      expect(line.toString()).toContain('joined');
    }
    const hostnames = await waitFor('three agents', async () => {
      const names = [...daemon.master.agents.values()].map((agent) => agent.info.hostname);
      return names.length === 3 ? names : undefined;
    });
    expect(hostnames).toEqual(expect.arrayContaining(lan.hosts.map((host) => host.address)));
  });

  it('runs one instance of a hostname-UNIQUE app on each of the three hosts', async () => {
    const created = await daemon.fetch(token)(`${daemon.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '/lan-web',
        // Each instance answers with the host Marathon placed it on.
        cmd: 'echo "$HOST" > index.html && exec busybox httpd -f -p "$PORT0" -h .',
        instances: 3,
        cpus: 0.1,
        mem: 32,
        constraints: [['hostname', 'UNIQUE']],
        portDefinitions: [{ port: 0 }],
      }),
    });
    expect(created.status).toBe(201);
    const tasks = await waitFor(
      'three running instances',
      async () => {
        const response = await daemon.fetch(token)(
          `${daemon.url}/service/marathon/v2/apps/lan-web/tasks`,
        );
        const body = (await response.json()) as {
          tasks: { host: string; state?: string; startedAt?: string }[];
        };
        const running = body.tasks.filter((task) => task.startedAt !== undefined);
        return running.length === 3 ? running : undefined;
      },
      SEEN_MS,
    );
    expect(new Set(tasks.map((task) => task.host)).size).toBe(3);
    expect(tasks.map((task) => task.host)).toEqual(
      expect.arrayContaining(lan.hosts.map((host) => host.address)),
    );
  });

  it('is reachable through its service port from another host, reaching every instance', async () => {
    const response = await daemon.fetch(token)(`${daemon.url}/service/marathon/v2/apps/lan-web`);
    const { app } = (await response.json()) as { app: { portDefinitions: { port: number }[] } };
    const servicePort = app.portDefinitions[0]?.port;
    expect(servicePort).toBeGreaterThan(0);
    const from = lan.hosts[1];
    if (!from) throw new Error('the LAN has no second host');
    const seen = new Set<string>();
    await waitFor(
      'an answer from every instance through the service port',
      async () => {
        const { stdout } = await run('ip', [
          'netns',
          'exec',
          from.netns,
          'curl',
          '-sf',
          '--max-time',
          '5',
          `http://${lan.masterAddress}:${servicePort}/`,
        ]);
        seen.add(stdout.trim());
        return seen.size === 3 ? seen : undefined;
      },
      SEEN_MS,
    );
    expect(seen).toContain(lan.hosts[0]?.address);
    expect(seen).toContain(lan.hosts[1]?.address);
  });

  it('gives the join token only to an admin, through the CLI', async () => {
    const result = await runCli(
      ['token', 'show', '--master', daemon.url, '--token', token, '--ca-cert', daemon.caFile ?? ''],
      { MESOLITE_CREDENTIALS: '/nonexistent/credentials' },
    );
    expect(result.stdout.trim()).toBe(daemon.joinToken);
  });
});
