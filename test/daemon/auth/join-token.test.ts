import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatJoinToken,
  joinSecretMatches,
  newJoinToken,
  parseJoinToken,
} from '@mesolite/daemon/auth/join-token';
import {
  ensureJoinToken,
  joinTokenPath,
  readJoinToken,
  rotateJoinToken,
} from '@mesolite/daemon/auth/join-token-file';
import { pinMasterCertificate } from '@mesolite/daemon/tls/master-pinning';
import { prepareServerTls, type ServerTls } from '@mesolite/daemon/tls/server-tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const FINGERPRINT = 'ab'.repeat(32);
const subjects = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

describe('a join token', () => {
  it("reads as k3s's K10<ca sha256>::<user>:<secret>", () => {
    const text = formatJoinToken(newJoinToken(FINGERPRINT));
    expect(text).toMatch(/^K10[0-9a-f]{64}::agent:[A-Za-z0-9_-]{43}$/);
    expect(parseJoinToken(text).caFingerprint).toBe(FINGERPRINT);
  });

  it('is refused with a coded error when it is not in that format', () => {
    expect(() => parseJoinToken('hunter2')).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_MALFORMED_JOIN_TOKEN' }),
    );
    expect(() => parseJoinToken(`K10${FINGERPRINT}:agent:x`)).toThrow(/K10<fingerprint>/);
  });

  it('is accepted by the master whole or as its bare secret', () => {
    const token = newJoinToken(FINGERPRINT);
    expect(joinSecretMatches(formatJoinToken(token), token)).toBe(true);
    expect(joinSecretMatches(token.secret, token)).toBe(true);
  });

  it('is refused by the master with another secret, another CA or garbage', () => {
    const token = newJoinToken(FINGERPRINT);
    const other = newJoinToken(FINGERPRINT);
    expect(joinSecretMatches(formatJoinToken(other), token)).toBe(false);
    expect(
      joinSecretMatches(formatJoinToken({ ...token, caFingerprint: 'cd'.repeat(32) }), token),
    ).toBe(false);
    expect(joinSecretMatches('', token)).toBe(false);
    expect(joinSecretMatches('K10nonsense', token)).toBe(false);
  });
});

describe('the join token file', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-token-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('is created on first start, readable by its owner only, and kept afterwards', async () => {
    const first = await ensureJoinToken(workDir, FINGERPRINT);
    expect((await stat(joinTokenPath(workDir))).mode & 0o777).toBe(0o600);
    expect(await ensureJoinToken(workDir, FINGERPRINT)).toEqual(first);
    expect(await readJoinToken(workDir)).toEqual(first);
  });

  it('gets a new secret on rotation, for the same CA', async () => {
    const first = await ensureJoinToken(workDir, FINGERPRINT);
    const rotated = await rotateJoinToken(workDir);
    expect(rotated.secret).not.toBe(first.secret);
    expect(rotated.caFingerprint).toBe(FINGERPRINT);
    expect((await readFile(joinTokenPath(workDir), 'utf8')).trim()).toBe(formatJoinToken(rotated));
  });

  it('follows a new CA and keeps its secret', async () => {
    const first = await ensureJoinToken(workDir, FINGERPRINT);
    const moved = await ensureJoinToken(workDir, 'cd'.repeat(32));
    expect(moved).toEqual({ ...first, caFingerprint: 'cd'.repeat(32) });
  });

  it('is missing before a master made one, with a message saying how to get one', async () => {
    await expect(readJoinToken(workDir)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NO_JOIN_TOKEN',
      message: expect.stringContaining('mesolite master --host'),
    });
  });
});

describe("the agent's check of the master", () => {
  let dirs: string[] = [];
  let server: Server | undefined;
  let received: number;

  async function master(names = subjects): Promise<{ url: string; tls: ServerTls }> {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-pin-'));
    dirs.push(dir);
    const tls = await prepareServerTls({ workDir: dir, subjects: names });
    received = 0;
    server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
    server.on('secureConnection', (socket) => {
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tls };
  }

  async function otherCa(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-pin-other-'));
    dirs.push(dir);
    return (await prepareServerTls({ workDir: dir, subjects })).caFingerprint;
  }

  afterEach(async () => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    dirs = [];
  });

  it("accepts a master whose chain leads to the token's CA and returns that CA", async () => {
    const { url, tls } = await master();
    const pinned = await pinMasterCertificate(url, tls.caFingerprint);
    expect(pinned.ca.trim()).toBe(tls.ca.trim());
  });

  it('refuses a master with another CA, with a coded error, having sent it nothing', async () => {
    const { url } = await master();
    await expect(pinMasterCertificate(url, await otherCa())).rejects.toMatchObject({
      code: 'MESOLITE_ERR_MASTER_CA_MISMATCH',
      message: expect.stringContaining('mesolite token show'),
    });
    expect(received).toBe(0);
  });

  it('refuses a master whose certificate does not name the address dialled', async () => {
    const { url, tls } = await master({ dnsNames: ['master.lan'], ipAddresses: ['10.77.0.1'] });
    await expect(pinMasterCertificate(url, tls.caFingerprint)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_MASTER_CA_MISMATCH',
    });
  });

  it('says the master is unreachable when nothing listens', async () => {
    await expect(pinMasterCertificate('https://127.0.0.1:9', FINGERPRINT)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_MASTER_UNREACHABLE',
    });
  });
});
