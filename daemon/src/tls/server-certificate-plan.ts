import { X509Certificate } from 'node:crypto';
import type { CertificateSubjects } from './lan-addresses.js';

/** Reissue this long before expiry, so a long-running daemon restarts onto a fresh one. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Whether the server certificate on disk still serves: signed by the current CA,
 * valid for a while yet, and naming every address and name clients may dial.
 */
export function planServerCertificate(
  existing: { readonly cert: string; readonly ca: string },
  subjects: CertificateSubjects,
  now: Date,
): 'keep' | 'reissue' {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(existing.cert);
    ca = new X509Certificate(existing.ca);
  } catch {
    return 'reissue';
  }
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'reissue';
  if (new Date(cert.validTo).getTime() - RENEW_BEFORE_MS < now.getTime()) return 'reissue';
  if (new Date(cert.validFrom).getTime() > now.getTime()) return 'reissue';
  const coversNames = subjects.dnsNames.every(
    (name) => cert.checkHost(name, { wildcards: false }) === name,
  );
  const coversAddresses = subjects.ipAddresses.every((ip) => cert.checkIP(ip) !== undefined);
  return coversNames && coversAddresses ? 'keep' : 'reissue';
}
