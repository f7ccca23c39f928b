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
import { closeSync, existsSync, openSync } from 'node:fs';
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
import { connect, createServer } from 'node:net';
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

/**
 * The temp dir shared by every test run on this machine, where the global setup found it
 * before pointing TMPDIR at a directory of the run's own: a dockerd started by one run is
 * found, and stopped, through state kept here.
 */
export const SHARED_TMPDIR_VARIABLE = 'MESOLITE_TEST_SHARED_TMPDIR';

const STATE_DIR = join(process.env[SHARED_TMPDIR_VARIABLE] ?? tmpdir(), 'mesolite-test-services');
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

export const ZOOKEEPER_SERVER_SCRIPT = '/usr/share/zookeeper/bin/zkServer.sh';

export interface ZooKeeperServer {
  /** `127.0.0.1:PORT`, for a client or a zk:// URL. */
  readonly connectionString: string;
  readonly port: number;
  /** Stops the server; its data dir is removed. Stopping twice is harmless. */
  stop(): Promise<void>;
  /** Stops the server (SIGKILL, as a crash would) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server as a crash would, keeping its data, until {@link start}. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open but nothing answers, as in a partition. */
  pause(): void;
  resume(): void;
}

/**
 * A throwaway standalone ZooKeeper (Debian's zookeeper package) on a free loopback port
 * with its own data dir, as RECIPES.md describes. `tickTime` 500 allows sessions as
 * short as 1 s. Whoever calls this stops the server.
 */
export async function zookeeperServer(
  options: { tickTime?: number } = {},
): Promise<ZooKeeperServer> {
  if (!existsSync(ZOOKEEPER_SERVER_SCRIPT) || !findExecutable('java', ['/usr/bin'])) {
    throw new MissingDependencyError(
      `ZooKeeper (${ZOOKEEPER_SERVER_SCRIPT} and java)`,
      'zookeeper',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'mesolite-zk-'));
  const port = await freeLoopbackPort();
  const config = join(dir, 'zoo.cfg');
  await mkdir(join(dir, 'data'));
  await writeFile(
    config,
    [
      `dataDir=${join(dir, 'data')}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      `tickTime=${options.tickTime ?? 500}`,
      'admin.enableServer=false',
      '4lw.commands.whitelist=ruok,stat,mntr',
      '',
    ].join('\n'),
  );
  let child: ReturnType<typeof spawn> | undefined;
  let stopped = false;

  async function start(): Promise<void> {
    const log = openSync(join(dir, 'zookeeper.out'), 'a');
    // detached: the server's JVM is a child of the script; killing the group stops both.
    const started = spawn(ZOOKEEPER_SERVER_SCRIPT, ['start-foreground', config], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ZOO_LOG_DIR: dir, JVMFLAGS: '-Xmx128m' },
    });
    closeSync(log);
    child = started;
    const deadline = Date.now() + 30_000;
    while ((await fourLetterWord(port, 'ruok')) !== 'imok') {
      if (started.exitCode !== null || Date.now() > deadline) {
        const tail = (await readFile(join(dir, 'zookeeper.out'), 'utf8').catch(() => '')).slice(
          -2000,
        );
        await kill();
        throw new Error(`ZooKeeper did not come up on port ${port}:\n${tail}`);
      }
      await sleep(100);
    }
  }

  async function kill(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.pid === undefined) return;
    if (running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      try {
        process.kill(-running.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  }

  function signalGroup(signal: NodeJS.Signals): void {
    if (child?.pid === undefined) throw new Error('ZooKeeper is not running');
    process.kill(-child.pid, signal);
  }

  await start();
  return {
    connectionString: `127.0.0.1:${port}`,
    port,
    kill,
    start,
    pause: () => signalGroup('SIGSTOP'),
    resume: () => signalGroup('SIGCONT'),
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** Sends one of ZooKeeper's four-letter commands; undefined when nothing answers. */
async function fourLetterWord(port: number, word: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write(word));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer === '' ? undefined : answer));
  });
}

export const LDAP_SUFFIX = 'dc=mesolite,dc=test';

export interface LdapServerOptions {
  /** Users under ou=people, as inetOrgPerson entries `uid=NAME,ou=people,<suffix>`. */
  users: Record<string, { password: string }>;
  /** groupOfNames entries `cn=NAME,ou=groups,<suffix>`, listing their members by uid. */
  groups?: Record<string, string[]>;
}

export interface LdapServer {
  /** `ldap://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  readonly suffix: string;
  /** The directory's root DN and password, usable as a lookup DN. */
  readonly bindDn: string;
  readonly password: string;
  userDn(uid: string): string;
  /** Stops slapd (it can be started again on the same port and data), keeping its data. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops slapd and removes its directory. Stopping twice is harmless. */
  stop(): Promise<void>;
}

/**
 * A throwaway OpenLDAP directory (Debian's slapd) on a free loopback port with its own
 * config and database dir, filled with the given users and groups, as RECIPES.md
 * describes. Whoever calls this stops it.
 */
export async function ldapServer(options: LdapServerOptions): Promise<LdapServer> {
  const slapd = findExecutable('slapd', ['/usr/sbin']);
  const slappasswd = findExecutable('slappasswd', ['/usr/sbin']);
  const ldapadd = findExecutable('ldapadd', ['/usr/bin']);
  if (!slapd || !slappasswd) throw new MissingDependencyError('OpenLDAP (slapd)', 'slapd');
  if (!ldapadd) throw new MissingDependencyError("OpenLDAP's ldapadd", 'ldap-utils');

  const dir = await mkdtemp(join(tmpdir(), 'mesolite-ldap-'));
  const password = 'directory-secret';
  const bindDn = `cn=admin,${LDAP_SUFFIX}`;
  const hashed = spawnSync(slappasswd, ['-s', password], { encoding: 'utf8' }).stdout.trim();
  await mkdir(join(dir, 'data'));
  await writeFile(
    join(dir, 'slapd.conf'),
    [
      ...['core', 'cosine', 'inetorgperson', 'nis'].map(
        (schema) => `include /etc/ldap/schema/${schema}.schema`,
      ),
      `pidfile ${join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      `suffix "${LDAP_SUFFIX}"`,
      `rootdn "${bindDn}"`,
      `rootpw ${hashed}`,
      `directory ${join(dir, 'data')}`,
      // Users may bind and read; as in most directories, nobody reads passwords.
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by * read',
      '',
    ].join('\n'),
  );
  const port = await freeLoopbackPort();
  const url = `ldap://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn> | undefined;
  let stopped = false;

  const start = async () => {
    const server = spawn(slapd, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = server;
    let log = '';
    server.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const whoami = spawnSync('ldapwhoami', ['-x', '-H', url, '-D', bindDn, '-w', password], {
        encoding: 'utf8',
      });
      if (whoami.status === 0) return;
      if (server.exitCode !== null || Date.now() > deadline) {
        server.kill('SIGKILL');
        throw new Error(`slapd did not come up on ${url}:\n${log.slice(-2000)}`);
      }
      await sleep(100);
    }
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  try {
    await start();
    const entries: string[] = [
      `dn: ${LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: mesolite\no: mesolite`,
      `dn: ou=people,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: people`,
      `dn: ou=groups,${LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: groups`,
    ];
    const userDn = (uid: string) => `uid=${uid},ou=people,${LDAP_SUFFIX}`;
    for (const [uid, user] of Object.entries(options.users)) {
      entries.push(
        `dn: ${userDn(uid)}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: ${uid}\nsn: ${uid}\n` +
          `userPassword: ${user.password}`,
      );
    }
    for (const [group, members] of Object.entries(options.groups ?? {})) {
      // groupOfNames needs a member; an empty group lists the root DN instead.
      const dns = members.length > 0 ? members.map(userDn) : [bindDn];
      entries.push(
        `dn: cn=${group},ou=groups,${LDAP_SUFFIX}\nobjectClass: groupOfNames\ncn: ${group}\n` +
          dns.map((dn) => `member: ${dn}`).join('\n'),
      );
    }
    const added = spawnSync(ldapadd, ['-x', '-H', url, '-D', bindDn, '-w', password], {
      input: `${entries.join('\n\n')}\n`,
      encoding: 'utf8',
    });
    if (added.status !== 0) throw new Error(`ldapadd failed: ${added.stderr}`);
    return {
      url,
      port,
      suffix: LDAP_SUFFIX,
      bindDn,
      password,
      userDn,
      kill,
      start,
      async stop() {
        if (stopped) return;
        stopped = true;
        await kill();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
