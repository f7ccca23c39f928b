import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { certificateFingerprint } from '@mesolite/daemon/tls/fingerprint';
import { localCertificateSubjects } from '@mesolite/daemon/tls/lan-addresses';
import { prepareServerTls, type ServerTls, tlsPaths } from '@mesolite/daemon/tls/server-tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const subjects = { dnsNames: ['localhost', 'master.lan'], ipAddresses: ['127.0.0.1', '10.77.0.1'] };

async function serveHttps(tls: ServerTls): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

function handshake(port: number, ca: string, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername }, () => {
      socket.end();
      resolve(socket.authorized ? 'authorized' : String(socket.authorizationError));
    });
    socket.on('error', reject);
  });
}

describe('the generated TLS identity', () => {
  let workDir: string;
  let server: Server | undefined;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-tls-'));
  });
  afterEach(async () => {
    server?.close();
    server = undefined;
    await rm(workDir, { recursive: true, force: true });
  });

  it('writes ca.crt, ca.key, server.crt and server.key into WORK_DIR/tls, keys 0600', async () => {
    await prepareServerTls({ workDir, subjects });
    const paths = tlsPaths(workDir);
    for (const key of [paths.caKey, paths.serverKey]) {
      expect((await stat(key)).mode & 0o777).toBe(0o600);
    }
    expect(new X509Certificate(await readFile(paths.caCert)).ca).toBe(true);
    expect(new X509Certificate(await readFile(paths.serverCert)).ca).toBe(false);
  });

  it('lets a client that trusts ca.crt connect to an https server using it', async () => {
    const tls = await prepareServerTls({ workDir, subjects });
    const served = await serveHttps(tls);
    server = served.server;
    const ca = await readFile(tlsPaths(workDir).caCert, 'utf8');
    await expect(handshake(served.port, ca, 'localhost')).resolves.toBe('authorized');
    await expect(handshake(served.port, ca, 'master.lan')).resolves.toBe('authorized');
  });

  it('is refused by a client that does not trust its CA', async () => {
    const tls = await prepareServerTls({ workDir, subjects });
    const served = await serveHttps(tls);
    server = served.server;
    const otherDir = await mkdtemp(join(tmpdir(), 'mesolite-tls-other-'));
    try {
      const other = await prepareServerTls({ workDir: otherDir, subjects });
      await expect(handshake(served.port, other.ca, 'localhost')).rejects.toThrow();
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("names the machine's addresses and hostnames as SANs", async () => {
    await prepareServerTls({ workDir, subjects });
    const cert = new X509Certificate(await readFile(tlsPaths(workDir).serverCert));
    expect(cert.subjectAltName).toContain('DNS:master.lan');
    expect(cert.subjectAltName).toContain('IP Address:10.77.0.1');
    expect(cert.checkIP('10.77.0.2')).toBeUndefined();
    expect(cert.checkHost('elsewhere.lan')).toBeUndefined();
  });

  it("covers this machine's own interfaces by default", async () => {
    const local = localCertificateSubjects(['10.99.0.7']);
    await prepareServerTls({ workDir, subjects: local });
    const cert = new X509Certificate(await readFile(tlsPaths(workDir).serverCert));
    for (const ip of local.ipAddresses) expect(cert.checkIP(ip)).toBe(ip);
    expect(cert.checkIP('10.99.0.7')).toBe('10.99.0.7');
  });

  it('keeps the CA and the server certificate across restarts with the same addresses', async () => {
    const first = await prepareServerTls({ workDir, subjects });
    const second = await prepareServerTls({ workDir, subjects });
    expect(second.caFingerprint).toBe(first.caFingerprint);
    expect(second.cert).toBe(first.cert);
  });

  it('reissues the server certificate, keeping the CA, when an address is no longer covered', async () => {
    const first = await prepareServerTls({ workDir, subjects });
    const moved = { ...subjects, ipAddresses: [...subjects.ipAddresses, '10.77.0.9'] };
    const second = await prepareServerTls({ workDir, subjects: moved });
    expect(second.caFingerprint).toBe(first.caFingerprint);
    expect(second.cert).not.toBe(first.cert);
    const cert = new X509Certificate(await readFile(tlsPaths(workDir).serverCert));
    expect(cert.checkIP('10.77.0.9')).toBe('10.77.0.9');
  });

  it('reissues the server certificate when it is about to expire', async () => {
    const first = await prepareServerTls({ workDir, subjects, now: new Date('2026-01-01') });
    const second = await prepareServerTls({ workDir, subjects, now: new Date('2027-01-20') });
    expect(second.caFingerprint).toBe(first.caFingerprint);
    expect(second.cert).not.toBe(first.cert);
  });

  it('pins the CA by the SHA-256 of its DER bytes', async () => {
    const tls = await prepareServerTls({ workDir, subjects });
    expect(tls.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(tls.caFingerprint).toBe(certificateFingerprint(await readFile(tls.caFile, 'utf8')));
  });
});

describe('user-given TLS files', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-tls-user-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('are used as given, and nothing is generated', async () => {
    const source = await prepareServerTls({ workDir: join(workDir, 'src'), subjects });
    await writeFile(join(workDir, 'cert.pem'), source.cert);
    await writeFile(join(workDir, 'key.pem'), source.key);
    const tls = await prepareServerTls({
      workDir: join(workDir, 'daemon'),
      subjects,
      certFile: join(workDir, 'cert.pem'),
      keyFile: join(workDir, 'key.pem'),
    });
    expect(tls.cert).toBe(source.cert);
    expect(tls.caFingerprint).toBe(source.caFingerprint);
    await expect(stat(join(workDir, 'daemon', 'tls'))).rejects.toThrow();
  });

  it('are refused when the key does not belong to the certificate', async () => {
    const one = await prepareServerTls({ workDir: join(workDir, 'one'), subjects });
    const two = await prepareServerTls({ workDir: join(workDir, 'two'), subjects });
    await writeFile(join(workDir, 'cert.pem'), one.cert);
    await writeFile(join(workDir, 'key.pem'), two.key);
    await expect(
      prepareServerTls({
        workDir,
        subjects,
        certFile: join(workDir, 'cert.pem'),
        keyFile: join(workDir, 'key.pem'),
      }),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_TLS_FILES' });
  });

  it('are refused when only one of the two is given', async () => {
    await expect(
      prepareServerTls({ workDir, subjects, certFile: join(workDir, 'cert.pem') }),
    ).rejects.toMatchObject({ code: 'MESOLITE_ERR_TLS_FILES' });
  });
});
