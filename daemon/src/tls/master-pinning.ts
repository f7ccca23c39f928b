import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { MasterCertificateMismatchError, MasterUnreachableError } from './errors.js';
import { certificateFingerprint } from './fingerprint.js';

export interface PinnedMaster {
  /** The master's CA, PEM: trust exactly this for every later connection. */
  readonly ca: string;
}

/**
 * The agent's first contact with a master: two TLS handshakes and no application data.
 * The first accepts any certificate only to read the chain and find the CA whose
 * fingerprint the join token carries; the second trusts only that CA, with the usual
 * hostname and validity checks. Only after both does the caller send anything (the
 * token's secret included), so a wrong master learns nothing.
 */
export async function pinMasterCertificate(
  masterUrl: string,
  caFingerprint: string,
): Promise<PinnedMaster> {
  const url = new URL(masterUrl);
  if (url.protocol !== 'https:') {
    throw new MasterCertificateMismatchError(masterUrl, 'the URL is not https://');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);

  const chain = await handshake(masterUrl, host, port, { rejectUnauthorized: false }, (socket) =>
    chainOf(socket.getPeerCertificate(true)),
  );
  const pinned = chain.find((cert) => certificateFingerprint(cert) === caFingerprint);
  if (pinned === undefined) {
    throw new MasterCertificateMismatchError(
      masterUrl,
      'no certificate it presented has the fingerprint in the token',
    );
  }
  const ca = pinned.toString();
  const verdict = await handshake(
    masterUrl,
    host,
    port,
    { ca, rejectUnauthorized: false },
    (socket) => {
      if (!socket.authorized) return String(socket.authorizationError);
      const leaf = socket.getPeerX509Certificate();
      const covered = isIP(host) ? leaf?.checkIP(host) : leaf?.checkHost(host);
      return covered === undefined ? `its certificate does not name ${host}` : undefined;
    },
  );
  if (verdict !== undefined) throw new MasterCertificateMismatchError(masterUrl, verdict);
  return { ca };
}

function chainOf(leaf: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

function handshake<T>(
  masterUrl: string,
  host: string,
  port: number,
  options: { ca?: string; rejectUnauthorized: boolean },
  inspect: (socket: TLSSocket) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      ...options,
      // The caller judges the peer itself, so that every reason ends up in one coded error.
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('the TLS handshake timed out')));
    socket.once('secureConnect', () => {
      try {
        resolve(inspect(socket));
      } catch (err) {
        reject(err);
      } finally {
        socket.destroy();
      }
    });
    socket.once('error', (err) => reject(new MasterUnreachableError(masterUrl, err.message)));
  });
}
