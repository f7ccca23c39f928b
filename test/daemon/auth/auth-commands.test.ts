import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { formatJoinToken } from '@mesolite/daemon/auth/join-token';
import { ensureJoinToken, readJoinToken } from '@mesolite/daemon/auth/join-token-file';
import { loginCommand } from '@mesolite/daemon/cli/login-command';
import type { CommandIo } from '@mesolite/daemon/cli/password-input';
import { tokenCommand } from '@mesolite/daemon/cli/token-command';
import { userCommand } from '@mesolite/daemon/cli/user-command';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import { prepareServerTls } from '@mesolite/daemon/tls/server-tls';
import type { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthTestServer, startAuthTestServer } from './auth-test-server.js';

/** Runs a command in this process with `stdin` piped in; resolves what it printed. */
async function run(make: (io: CommandIo) => Command, args: string[], stdin = ''): Promise<string> {
  const input = new PassThrough();
  input.end(stdin);
  let output = '';
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      output += String(chunk);
      done();
    },
  });
  const command = make({ stdin: input, stdout, stderr: new PassThrough() });
  const quiet = { writeErr: () => undefined, writeOut: () => undefined };
  command.exitOverride().configureOutput(quiet);
  for (const sub of command.commands) sub.exitOverride().configureOutput(quiet);
  await command.parseAsync(args, { from: 'user' });
  return output;
}

describe('mesolite user and token on a work dir', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-cli-auth-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('adds an admin before the first start, and lists it', async () => {
    const added = await run(
      userCommand,
      ['add', 'alice', '--role', 'admin', '--password-stdin', '--work-dir', workDir],
      'alice-password\n',
    );
    expect(added).toContain('added admin alice');
    const listed = await run(userCommand, ['list', '--work-dir', workDir]);
    expect(listed).toMatch(/alice\s+admin/);
  });

  it('removes a user', async () => {
    await run(
      userCommand,
      ['add', 'bob', '--role', 'viewer', '--password-stdin', '--work-dir', workDir],
      'bob-password',
    );
    await run(userCommand, ['remove', 'bob', '--work-dir', workDir]);
    expect(await run(userCommand, ['list', '--work-dir', workDir])).not.toContain('bob');
  });

  it('refuses a role that does not exist', async () => {
    await expect(
      run(
        userCommand,
        ['add', 'eve', '--role', 'root', '--password-stdin', '--work-dir', workDir],
        'eve-password',
      ),
    ).rejects.toThrow(/Allowed choices are admin, viewer/);
  });

  it('sends the user to --master while the daemon holds the work dir', async () => {
    const store = await LevelStore.open(join(workDir, 'store'));
    try {
      await expect(
        run(
          userCommand,
          ['add', 'alice', '--role', 'admin', '--password-stdin', '--work-dir', workDir],
          'alice-password',
        ),
      ).rejects.toMatchObject({
        code: 'MESOLITE_ERR_WORK_DIR_IN_USE',
        message: expect.stringContaining('--master'),
      });
    } finally {
      await store.close();
    }
  });

  it('shows the join token and rotates it', async () => {
    const token = await ensureJoinToken(workDir, 'ab'.repeat(32));
    expect((await run(tokenCommand, ['show', '--work-dir', workDir])).trim()).toBe(
      formatJoinToken(token),
    );
    const rotated = (await run(tokenCommand, ['rotate', '--work-dir', workDir])).trim();
    expect(rotated).not.toBe(formatJoinToken(token));
    expect(rotated).toBe(formatJoinToken(await readJoinToken(workDir)));
  });

  it('says how to get a token when there is none', async () => {
    await expect(run(tokenCommand, ['show', '--work-dir', workDir])).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NO_JOIN_TOKEN',
    });
  });
});

describe('mesolite login, user and token against a master over HTTPS', () => {
  let server: AuthTestServer;
  let tlsDir: string;
  let master: string;
  let caFile: string;
  let credentials: string;
  const previous = process.env.MESOLITE_CREDENTIALS;

  beforeEach(async () => {
    tlsDir = await mkdtemp(join(tmpdir(), 'mesolite-cli-tls-'));
    const tls = await prepareServerTls({
      workDir: tlsDir,
      subjects: { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
    });
    caFile = tls.caFile;
    credentials = join(tlsDir, 'home', 'credentials');
    process.env.MESOLITE_CREDENTIALS = credentials;
    server = await startAuthTestServer({ https: { cert: tls.cert, key: tls.key } });
    await ensureJoinToken(server.workDir, tls.caFingerprint);
    await server.users.add({ uid: 'alice', password: 'alice-password', role: 'admin' });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    master = `https://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    if (previous === undefined) delete process.env.MESOLITE_CREDENTIALS;
    else process.env.MESOLITE_CREDENTIALS = previous;
    await server.close();
    await rm(tlsDir, { recursive: true, force: true });
  });

  async function loginAsAlice(): Promise<void> {
    await run(
      loginCommand,
      ['--master', master, '--uid', 'alice', '--password-stdin', '--ca-cert', caFile],
      'alice-password\n',
    );
  }

  it('keeps the token in a file only the user can read', async () => {
    await loginAsAlice();
    expect((await stat(credentials)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(credentials, 'utf8')) as {
      masters: Record<string, { token: string }>;
    };
    expect(saved.masters[master]?.token).toMatch(/^ey/);
  });

  it('lets later commands use the saved token and CA', async () => {
    await loginAsAlice();
    await run(
      userCommand,
      ['add', 'bob', '--role', 'viewer', '--password-stdin', '--master', master],
      'bob-password',
    );
    expect(await run(userCommand, ['list', '--master', master])).toMatch(/bob\s+viewer/);
    const shown = (await run(tokenCommand, ['show', '--master', master])).trim();
    expect(shown).toBe(formatJoinToken(await readJoinToken(server.workDir)));
  });

  it('takes a token from --token instead', async () => {
    const login = await server.app.inject({
      method: 'POST',
      url: '/acs/api/v1/auth/login',
      payload: { uid: 'alice', password: 'alice-password' },
    });
    const token = (login.json() as { token: string }).token;
    const listed = await run(userCommand, [
      'list',
      '--master',
      master,
      '--token',
      token,
      '--ca-cert',
      caFile,
    ]);
    expect(listed).toMatch(/alice\s+admin/);
  });

  it('says to log in when there is no token', async () => {
    await expect(
      run(userCommand, ['list', '--master', master, '--ca-cert', caFile]),
    ).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NOT_LOGGED_IN',
    });
  });

  it('refuses a wrong password without saving anything', async () => {
    await expect(
      run(
        loginCommand,
        ['--master', master, '--uid', 'alice', '--password-stdin', '--ca-cert', caFile],
        'wrong',
      ),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_LOGIN_FAILED' });
    await expect(stat(credentials)).rejects.toThrow();
  });

  it('does not trust the master without its CA', async () => {
    await expect(
      run(
        loginCommand,
        ['--master', master, '--uid', 'alice', '--password-stdin'],
        'alice-password',
      ),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_MASTER_UNREACHABLE' });
  });
});
