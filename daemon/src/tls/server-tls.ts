import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from './atomic-write.js';
import {
  type CertificateAndKey,
  createCertificateAuthority,
  issueServerCertificate,
} from './certificate-authority.js';
import { TlsFilesError } from './errors.js';
import { certificateFingerprint } from './fingerprint.js';
import type { CertificateSubjects } from './lan-addresses.js';
import { planServerCertificate } from './server-certificate-plan.js';

/** What an HTTPS server needs, and what a join token pins. */
export interface ServerTls {
  /** The server certificate followed by its chain up to the CA, PEM: pass as `cert`. */
  readonly cert: string;
  readonly key: string;
  /** The CA clients should trust (ca.crt), PEM. */
  readonly ca: string;
  /** {@link certificateFingerprint} of the CA: what join tokens carry. */
  readonly caFingerprint: string;
  /** Where the CA certificate is on disk, for `--ca-cert` and the printed agent command. */
  readonly caFile: string;
}

export interface ServerTlsOptions {
  readonly workDir: string;
  readonly subjects: CertificateSubjects;
  /** User-given PEM files (--tls-cert/--tls-key); both or neither. */
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
  /**
   * The CA every master of a highly available cluster shares (ha/cluster-ca.ts): it
   * takes the place of whatever CA the work dir held, so the work dir stays one whole.
   */
  readonly clusterCa?: CertificateAndKey | undefined;
  readonly now?: Date;
}

export const TLS_DIR = 'tls';

export function tlsPaths(workDir: string) {
  const dir = join(workDir, TLS_DIR);
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
  };
}

/**
 * The daemon's TLS identity. With user files, those; otherwise the cluster's shared CA
 * or the CA in WORK_DIR/tls (created on first start and then kept, since join tokens
 * pin it), and a server certificate reissued whenever it no longer covers this
 * machine's names and addresses.
 */
export async function prepareServerTls(options: ServerTlsOptions): Promise<ServerTls> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    return loadUserTls(options.certFile, options.keyFile);
  }
  const now = options.now ?? new Date();
  const paths = tlsPaths(options.workDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });

  let ca = await readPair(paths.caCert, paths.caKey);
  const shared = options.clusterCa;
  if (shared !== undefined && (ca?.cert !== shared.cert || ca.key !== shared.key)) {
    ca = shared;
    await writePair(paths.caCert, paths.caKey, ca);
  } else if (ca === undefined) {
    ca = await createCertificateAuthority('mesolite cluster CA', now);
    await writePair(paths.caCert, paths.caKey, ca);
  }
  const existing = await readPair(paths.serverCert, paths.serverKey);
  let server = existing;
  if (
    server === undefined ||
    planServerCertificate({ cert: server.cert, ca: ca.cert }, options.subjects, now) === 'reissue'
  ) {
    server = await issueServerCertificate(ca, options.subjects, now);
    await writePair(paths.serverCert, paths.serverKey, server);
  }
  return {
    cert: `${server.cert.trimEnd()}\n${ca.cert.trimEnd()}\n`,
    key: server.key,
    ca: ca.cert,
    caFingerprint: certificateFingerprint(ca.cert),
    caFile: paths.caCert,
  };
}

async function loadUserTls(
  certFile: string | undefined,
  keyFile: string | undefined,
): Promise<ServerTls> {
  if (certFile === undefined || keyFile === undefined) {
    throw new TlsFilesError(
      `only ${certFile === undefined ? '--tls-key' : '--tls-cert'} was given`,
    );
  }
  const [cert, key] = await Promise.all([
    readFile(certFile, 'utf8').catch((err: Error) => {
      throw new TlsFilesError(`cannot read ${certFile} (${err.message})`);
    }),
    readFile(keyFile, 'utf8').catch((err: Error) => {
      throw new TlsFilesError(`cannot read ${keyFile} (${err.message})`);
    }),
  ]);
  const chain = splitPem(cert);
  const leaf = chain[0];
  if (leaf === undefined) throw new TlsFilesError(`${certFile} holds no PEM certificate`);
  try {
    if (!new X509Certificate(leaf).checkPrivateKey(createPrivateKey(key))) {
      throw new TlsFilesError(
        `the key in ${keyFile} does not belong to the certificate in ${certFile}`,
      );
    }
  } catch (err) {
    if (err instanceof TlsFilesError) throw err;
    throw new TlsFilesError(`${(err as Error).message}`);
  }
  // The last certificate of the file is its root (a self-signed leaf is its own root).
  const root = chain[chain.length - 1] ?? leaf;
  return { cert, key, ca: root, caFingerprint: certificateFingerprint(root), caFile: certFile };
}

export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

async function readPair(certPath: string, keyPath: string): Promise<CertificateAndKey | undefined> {
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    return { cert, key };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Key first: a crash in between leaves a key without its certificate, which reissues. */
async function writePair(
  certPath: string,
  keyPath: string,
  pair: CertificateAndKey,
): Promise<void> {
  await writeAtomically(keyPath, pair.key, 0o600);
  await writeAtomically(certPath, pair.cert, 0o644);
}
