import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createLogger,
  type DaemonTuning,
  type RunningDaemon,
  resolveDaemonOptions,
  startDaemon,
} from '@mesolite/daemon';
import { endLeftoversUnder } from './leftovers.js';

export const CLI_PATH = resolve(import.meta.dirname, '../../daemon/dist/cli/main.js');

export interface StopOptions {
  /**
   * Leave the agent's tasks running, for a test that restarts a daemon on the same work
   * dir and expects the new agent to recover them (default: they are killed).
   */
  keepTasks?: boolean;
}

export interface TestDaemon extends RunningDaemon {
  readonly workDir: string;
  /**
   * Stops the daemon, then kills what its agent left running: tasks outlive an agent on
   * purpose (Mesos agents' tasks survive an agent restart), but not a test.
   */
  stop(options?: StopOptions): Promise<void>;
}

export interface TestDaemonOptions {
  /** Run the real agent next to the master, as `mesolite up` does (default: master only). */
  agent?: boolean;
  workDir?: string | undefined;
  /** Plugins to start by name (default none, so tests see only the frameworks they make). */
  plugins?: string[];
  classicPorts?: boolean;
}

/** A daemon in this process on a free loopback port with a throwaway work dir. */
export async function startTestDaemon(
  tuning: DaemonTuning = {},
  testOptions: TestDaemonOptions = {},
): Promise<TestDaemon> {
  const ownsWorkDir = testOptions.workDir === undefined;
  const workDir = testOptions.workDir ?? (await mkdtemp(join(tmpdir(), 'mesolite-test-')));
  const options = resolveDaemonOptions({
    port: 0,
    workDir,
    logLevel: 'silent',
    agent: testOptions.agent ?? false,
    plugins: testOptions.plugins ?? [],
    classicPorts: testOptions.classicPorts ?? false,
  });
  const daemon = await startDaemon(
    options,
    createLogger(process.env.MESOLITE_TEST_LOG ?? 'silent'),
    tuning,
  );
  return {
    url: daemon.url,
    server: daemon.server,
    master: daemon.master,
    agent: daemon.agent,
    plugins: daemon.plugins,
    workDir,
    async stop(stopOptions: StopOptions = {}) {
      await daemon.stop();
      // Only once the daemon is stopped: until then a framework may launch a task in place
      // of one just killed. What still runs in the sandboxes (or mounts them) is left over.
      if (daemon.agent && !stopOptions.keepTasks) await endLeftoversUnder(workDir);
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `mesolite` process whose output is collected as it comes. */
export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Its exit code once it has closed its output. */
  readonly closed: Promise<number | null>;
}

/** Starts the built `mesolite` binary, collecting what it prints. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', resolvePromise);
  });
  return { child, stdout: () => stdout, stderr: () => stderr, closed };
}

/** Runs the built `mesolite` binary to completion. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const run = spawnCli(args, env);
  const code = await run.closed;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

export interface CliDaemon {
  readonly child: ChildProcess;
  readonly url: string;
  /** The first line the process printed. */
  readonly line: string;
}

const UP_LINE = /mesolite is up: (http:\/\/\S+?)\/?\s/;

/**
 * Runs the built `mesolite` binary as a separate process (so a test can kill -9 it)
 * and resolves with the address it prints once it serves (the first group of
 * `pattern`; the daemon's "mesolite is up" line by default).
 */
export async function startCliDaemon(
  args: string[],
  pattern: RegExp = UP_LINE,
): Promise<CliDaemon> {
  const child = spawn(process.execPath, [CLI_PATH, ...args, '--log-level', 'silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const line = chunk.toString();
  const url = pattern.exec(line)?.[1];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`mesolite printed no address: ${line}`);
  }
  return { child, url, line };
}
