import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI_PATH } from './daemon.js';

const run = promisify(execFile);

/** One host of the LAN: a network namespace with one address on the bridge's subnet. */
export interface LanHost {
  readonly netns: string;
  readonly address: string;
}

/**
 * A LAN of several hosts on this machine, as RECIPES.md builds one: a bridge with the
 * master's address, and network namespaces each joined to it by a veth pair. Names and
 * the subnet are picked per run so that two runs cannot touch each other's network;
 * tests target only addresses it made, and remove() takes everything down again.
 */
export class TestLan {
  readonly id = `ml${process.pid % 1000}${Math.floor(Math.random() * 1000)}`;
  readonly subnet =
    `10.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250)}`;
  readonly bridge = `${this.id}br`;
  readonly masterAddress = `${this.subnet}.1`;
  readonly hosts: LanHost[] = [];
  private readonly veths: string[] = [];

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
      this.veths.push(veth);
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

  host(index: number): LanHost {
    const host = this.hosts[index];
    if (!host) throw new Error(`the LAN has no host #${index + 1}`);
    return host;
  }

  /** Pids of the processes running on `host`. */
  async pids(host: LanHost): Promise<number[]> {
    const { stdout } = await run('ip', ['netns', 'pids', host.netns]);
    return stdout.split(/\s+/).filter(Boolean).map(Number);
  }

  /** Kills every process on the LAN's hosts, then removes the hosts and the bridge. */
  async remove(): Promise<void> {
    for (const host of this.hosts) {
      for (const pid of await this.pids(host).catch(() => [])) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await run('ip', ['netns', 'del', host.netns]).catch(() => undefined);
    }
    // A namespace lives on while the kernel still holds sockets of its killed processes,
    // and its veth pair with it; deleting our end deletes both there and then.
    for (const veth of this.veths) await run('ip', ['link', 'del', veth]).catch(() => undefined);
    await run('ip', ['link', 'del', this.bridge]).catch(() => undefined);
  }
}

export interface LanAgentOptions {
  /** The master's URL, as the agent is told it on the command line. */
  readonly master: string;
  readonly joinToken: string;
  readonly workDir: string;
  readonly resources?: string;
}

/**
 * `ip` arguments that run `mesolite agent` on `host`. `ip netns exec` execs the command
 * in place, so the process spawned with them is the agent itself (its pid is the agent's).
 */
export function lanAgentArgs(host: LanHost, options: LanAgentOptions): string[] {
  return [
    'netns',
    'exec',
    host.netns,
    process.execPath,
    CLI_PATH,
    'agent',
    '--master',
    options.master,
    '--token',
    options.joinToken,
    '--ip',
    host.address,
    '--work-dir',
    options.workDir,
    '--port',
    '0',
    '--resources',
    options.resources ?? 'cpus:1;mem:512;disk:1024;ports:[31000-31100]',
    '--log-level',
    'silent',
  ];
}

export interface LanAgent {
  readonly child: ChildProcess;
  /** The agent id the master gave it, from its "joined" line. */
  readonly id: string;
}

const JOINED = /^mesolite agent (\S+) joined /;

/** Starts `mesolite agent` on `host` and resolves once it has joined the master. */
export function startLanAgent(host: LanHost, options: LanAgentOptions): Promise<LanAgent> {
  const child = spawn('ip', lanAgentArgs(host, options), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      const id = JOINED.exec(out)?.[1];
      if (id === undefined) return;
      child.stdout?.off('data', onData);
      // Drained from here on, so that nothing the agent prints can fill the pipe and block it.
      child.stdout?.resume();
      child.off('exit', onExit);
      resolve({ child, id });
    };
    const onExit = (code: number | null) => {
      reject(new Error(`the agent on ${host.address} exited (${code}) before joining: ${out}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}
