import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admitAgent, prepareAgentJoin } from '@mesolite/daemon/auth/agent-admission';
import { formatJoinToken } from '@mesolite/daemon/auth/join-token';
import { ensureJoinToken, rotateJoinToken } from '@mesolite/daemon/auth/join-token-file';
import { workDirJoinTokens } from '@mesolite/daemon/auth/join-token-source';
import { prepareServerTls } from '@mesolite/daemon/tls/server-tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const subjects = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };

describe('an agent joining a master with a token', () => {
  let workDir: string;
  let server: Server;
  let url: string;
  let token: string;
  let requests: number;

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-join-'));
    const tls = await prepareServerTls({ workDir, subjects });
    token = formatJoinToken(await ensureJoinToken(workDir, tls.caFingerprint));
    requests = 0;
    server = createServer({ cert: tls.cert, key: tls.key }, (_request, response) => {
      requests += 1;
      response.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    server.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('trusts the master and is admitted with the right token', async () => {
    const joined = await prepareAgentJoin(url, token);
    expect(joined.ca).toContain('BEGIN CERTIFICATE');
    await expect(admitAgent(workDirJoinTokens(workDir), joined.token)).resolves.toBeUndefined();
  });

  it('refuses a token of another cluster before sending the master anything', async () => {
    const otherDir = await mkdtemp(join(tmpdir(), 'mesolite-join-other-'));
    try {
      const other = await prepareServerTls({ workDir: otherDir, subjects });
      const foreign = formatJoinToken(await ensureJoinToken(otherDir, other.caFingerprint));
      await expect(prepareAgentJoin(url, foreign)).rejects.toMatchObject({
        code: 'MESOLITE_ERR_MASTER_CA_MISMATCH',
      });
      expect(requests).toBe(0);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed token without connecting', async () => {
    await expect(prepareAgentJoin(url, 'not-a-token')).rejects.toMatchObject({
      code: 'MESOLITE_ERR_MALFORMED_JOIN_TOKEN',
    });
  });

  it('is not admitted with a wrong secret, no token, or a token rotated away', async () => {
    const wrong = token.replace(/:[^:]+$/, ':wrongwrongwrongwrongwrong');
    await expect(admitAgent(workDirJoinTokens(workDir), wrong)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_JOIN_TOKEN_REJECTED',
    });
    await expect(admitAgent(workDirJoinTokens(workDir), undefined)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_JOIN_TOKEN_REJECTED',
    });
    await rotateJoinToken(workDir);
    await expect(admitAgent(workDirJoinTokens(workDir), token)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_JOIN_TOKEN_REJECTED',
    });
  });
});
