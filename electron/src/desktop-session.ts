/**
 * One run of `npm run desktop`, as launch-plan decides it. With Electron, the app is
 * started and embeds or finds its daemon itself. Without it, this process finds the
 * daemon or starts the embedded one, opens the UI in Chromium's app mode with a fresh
 * profile, and when the browser exits stops what it started and removes the profile.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Logger, RunningDaemon } from '@mesolite/daemon';
import { connectDaemon, type DaemonConnection } from './daemon-connection.js';
import { configuredDaemonUrl, parseSettings, settingsPath } from './daemon-target.js';
import { InvalidDaemonUrlError, NoDesktopBrowserError } from './errors.js';
import {
  type BrowserLaunch,
  type DaemonPlan,
  type LaunchEnvironment,
  type LaunchPlan,
  planLaunch,
} from './launch-plan.js';

export interface DesktopOptions {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The work dir: the settings file and the embedded daemon's state. */
  readonly workDir: string;
  readonly electronBinary: string | undefined;
  readonly chromiumBinary: string | undefined;
  /** The desktop app's directory, which Electron runs. */
  readonly electronApp: string;
  /** Flags added to the browser's own (a test runs Chromium headless). */
  readonly extraBrowserArgs?: readonly string[];
  readonly stdio?: 'inherit' | 'ignore';
  readonly logger?: Logger;
  /** Starts the embedded daemon; tests give one on a free port. */
  readonly startDaemon?: (plan: DaemonPlan) => Promise<Pick<RunningDaemon, 'url' | 'stop'>>;
}

export interface DesktopSession {
  readonly shell: BrowserLaunch['shell'];
  /** The daemon the browser shows (Electron's is its own business: this is where it looks). */
  readonly daemonUrl: string;
  /** Chromium's throwaway profile directory; undefined for Electron. */
  readonly profileDir: string | undefined;
  /** Settles with the browser's exit code once it has exited and everything is cleaned up. */
  readonly finished: Promise<number | null>;
  /** Closes the browser (and so everything else). */
  stop(): Promise<number | null>;
}

function launchOrThrow(plan: LaunchPlan): BrowserLaunch {
  if (plan.shell !== 'none') return plan;
  if (plan.code === 'MESOLITE_ERR_INVALID_DAEMON_URL')
    throw new InvalidDaemonUrlError(plan.message);
  throw new NoDesktopBrowserError(plan.message);
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** How long the browser's helper processes get to follow it out before they are killed. */
const GROUP_EXIT_GRACE_MS = 5_000;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends a signal to the browser and every helper process it started. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Chromium's helpers (zygotes, crashpad) outlive its main process for a moment and would
 * write into a profile removed under them, so the browser runs in a process group of its
 * own and counts as exited once the whole group has.
 */
async function groupGone(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const deadline = Date.now() + GROUP_EXIT_GRACE_MS;
  while (groupAlive(pid)) {
    if (Date.now() > deadline) {
      signalGroup(child, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Chromium keeps its single-instance socket in a temp dir of its own, linked from the
 * profile as SingletonSocket, and removes that dir only on an orderly exit: a browser
 * ended by a signal (Ctrl+C) leaves it in /tmp.
 */
async function removeSingletonDir(profileDir: string): Promise<void> {
  const socket = await readlink(join(profileDir, 'SingletonSocket')).catch(() => undefined);
  if (socket === undefined) return;
  const dir = dirname(socket);
  // Only ever the dir Chromium made for it, whatever the link was changed to point at.
  if (!/^org\.chromium\.Chromium\.\w+$/.test(basename(dir))) return;
  await rm(dir, { recursive: true, force: true });
}

function run(
  launch: BrowserLaunch,
  options: DesktopOptions,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(launch.command, [...launch.args, ...(options.extraBrowserArgs ?? [])], {
    stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit'],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const status = code ?? (signal ? null : 0);
      void groupGone(child).then(() => resolve(status));
    });
  });
  return { child, exited };
}

export async function startDesktop(options: DesktopOptions): Promise<DesktopSession> {
  const path = settingsPath(options.workDir);
  const settings = parseSettings(await readOptional(path), path);
  const configured = configuredDaemonUrl({ argv: options.argv, env: options.env, settings });
  const profileRoot = await mkdtemp(join(tmpdir(), 'mesolite-desktop-'));
  const environment = (daemonUrl: string | undefined): LaunchEnvironment => ({
    electronBinary: options.electronBinary,
    chromiumBinary: options.chromiumBinary,
    daemonUrl,
    electronMain: options.electronApp,
    stateDir: profileRoot,
  });
  const removeProfile = () => rm(profileRoot, { recursive: true, force: true });

  let connection: DaemonConnection | undefined;
  try {
    let launch = launchOrThrow(planLaunch(environment(configured.url)));
    if (launch.shell === 'chromium') {
      connection = await connectDaemon({
        plan: launch.daemon,
        workDir: options.workDir,
        ...(options.logger ? { logger: options.logger } : {}),
        ...(options.startDaemon ? { start: options.startDaemon } : {}),
      });
      // The daemon may listen elsewhere than planned (a test's free port): show that one.
      launch = launchOrThrow(planLaunch(environment(connection.url)));
    }
    const { child, exited } = run(launch, options);
    const owned = connection;
    const profileDir =
      launch.shell === 'chromium' ? join(profileRoot, 'chromium-profile') : undefined;
    const finished = exited.finally(async () => {
      await owned?.close();
      if (profileDir !== undefined) await removeSingletonDir(profileDir);
      await removeProfile();
    });
    return {
      shell: launch.shell,
      daemonUrl: launch.daemon.url,
      profileDir,
      finished,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
        return finished;
      },
    };
  } catch (err) {
    await connection?.close();
    await removeProfile();
    throw err;
  }
}
