import { createHash, X509Certificate } from 'node:crypto';

/**
 * The SHA-256 of a certificate's DER bytes in lower-case hex: what a join token pins.
 * DER rather than PEM text, so re-encoding the same certificate (line endings,
 * a bundle's other certificates) cannot change the pin.
 */
export function certificateFingerprint(cert: X509Certificate | string | Buffer): string {
  const parsed = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  return createHash('sha256').update(parsed.raw).digest('hex');
}
