/**
 * The one place tests get real system pieces from: a Docker engine, a local busybox
 * image, headless Chromium (and later ZooKeeper and slapd). Each function finds the
 * piece, starts it on loopback when it is not running, and otherwise fails with a
 * message naming the Debian package to install. Nothing here is mocked.
 *
 * Pieces that outlive one test file (dockerd) are started detached, recorded in a
 * state file, and stopped by the global teardown, so whoever started them stops them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { type Browser, chromium } from 'playwright-core';

export class MissingDependencyError extends Error {
  readonly code = 'MESOLITE_ERR_TEST_DEPENDENCY';
  constructor(what: string, debianPackage: string, detail?: string) {
    super(
      `${what} is not available${detail ? ` (${detail})` : ''}. Install Debian's ` +
        `${debianPackage} package (apt-get install -y ${debianPackage}), or run ` +
        '`bash scripts/provision.sh` as root.',
    );
    this.name = 'MissingDependencyError';
  }
}

const STATE_DIR = join(tmpdir(), 'mesolite-test-services');
const DOCKERD_PID_FILE = join(STATE_DIR, 'dockerd.pid');
const DOCKERD_LOG = join(STATE_DIR, 'dockerd.log');
const DOCKERD_LOCK = join(STATE_DIR, 'dockerd.lock');

function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), ...extraDirs].filter(Boolean);
  return dirs.map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
}

async function pingDocker(docker: Docker): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lockDir).catch(() => undefined);
  }
}

/**
 * A Docker engine on this machine's socket. Uses the running one, or starts
 * dockerd the way RECIPES.md does (no iptables, vfs storage) and leaves it to the
 * global teardown to stop.
 */
export async function dockerEngine(): Promise<Docker> {
  const docker = new Docker();
  if (await pingDocker(docker)) return docker;

  const dockerd = findExecutable('dockerd', ['/usr/sbin', '/usr/bin', '/usr/local/bin']);
  if (!dockerd) throw new MissingDependencyError('The Docker engine (dockerd)', 'docker.io');

  await mkdir(STATE_DIR, { recursive: true });
  await withLock(DOCKERD_LOCK, async () => {
    if (await pingDocker(docker)) return;
    // An engine that is starting or stopping holds /var/run/docker.pid: wait it out
    // rather than start a second one, which would refuse to run.
    const settleBy = Date.now() + 30_000;
    for (;;) {
      const running = Number(await readFile('/var/run/docker.pid', 'utf8').catch(() => ''));
      if (!running || !isAlive(running) || Date.now() > settleBy) break;
      if (await pingDocker(docker)) return;
      await sleep(250);
    }
    const log = openSync(DOCKERD_LOG, 'a');
    const child = spawn(dockerd, ['--iptables=false', '--storage-driver=vfs'], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not spawn ${dockerd}`);
    await writeFile(DOCKERD_PID_FILE, String(child.pid));
    const deadline = Date.now() + 30_000;
    while (!(await pingDocker(docker))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        const tail = (await readFile(DOCKERD_LOG, 'utf8').catch(() => '')).slice(-2000);
        throw new Error(`dockerd did not come up; the end of ${DOCKERD_LOG}:\n${tail}`);
      }
      await sleep(200);
    }
  });
  return docker;
}

/** Stops a dockerd that the tests started; one that was already running is left alone. */
export async function stopStartedDockerEngine(): Promise<void> {
  const pid = Number(await readFile(DOCKERD_PID_FILE, 'utf8').catch(() => ''));
  await rm(DOCKERD_PID_FILE, { force: true });
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const BUSYBOX_IMAGE = 'busybox:latest';

/**
 * `busybox:latest`, made locally from Debian's statically linked busybox with
 * `docker import`, since no registry can be reached here.
 */
export async function busyboxImage(docker: Docker): Promise<string> {
  const existing = await docker.listImages({ filters: { reference: [BUSYBOX_IMAGE] } });
  if (existing.length > 0) return BUSYBOX_IMAGE;

  const busybox = '/bin/busybox';
  // ldd (always present with glibc) is how to tell a static binary without `file`.
  const ldd = spawnSync('ldd', [busybox], { encoding: 'utf8' });
  const isStatic =
    existsSync(busybox) && /not a dynamic executable/.test(`${ldd.stdout}${ldd.stderr}`);
  if (!isStatic) {
    throw new MissingDependencyError('A statically linked /bin/busybox', 'busybox-static');
  }

  await mkdir(STATE_DIR, { recursive: true });
  return withLock(join(STATE_DIR, 'busybox.lock'), async () => {
    const again = await docker.listImages({ filters: { reference: [BUSYBOX_IMAGE] } });
    if (again.length > 0) return BUSYBOX_IMAGE;
    const root = await mkdtemp(join(tmpdir(), 'mesolite-busybox-'));
    try {
      await mkdir(join(root, 'bin'));
      await mkdir(join(root, 'tmp'));
      await mkdir(join(root, 'etc'));
      await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
      await copyFile(busybox, join(root, 'bin/busybox'));
      const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n');
      for (const applet of applets.filter((name) => name && name !== 'busybox')) {
        await symlink('busybox', join(root, 'bin', applet)).catch(() => undefined);
      }
      const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const stream = await docker.importImage(tar.stdout, {
        repo: 'busybox',
        tag: 'latest',
        changes: ['ENV PATH=/bin', 'CMD ["sh"]'],
      });
      await new Promise<void>((resolve, reject) =>
        docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())),
      );
      return BUSYBOX_IMAGE;
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Debian Chromium through playwright-core, never a downloaded browser.
 * The background-networking flags keep it from flooding the closed network.
 */
export async function chromiumBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new MissingDependencyError(`Chromium at ${CHROMIUM_PATH}`, 'chromium');
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
