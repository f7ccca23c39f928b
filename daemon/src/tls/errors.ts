import { defineError } from '../errors.js';

export const TlsFilesError = defineError(
  'MESOLITE_ERR_TLS_FILES',
  400,
  (detail: string) =>
    `Cannot use the TLS certificate and key: ${detail}. Pass both --tls-cert and --tls-key ` +
    '(PEM files), or neither to let mesolite generate a CA and certificate in WORK_DIR/tls/.',
);

export const MasterCertificateMismatchError = defineError(
  'MESOLITE_ERR_MASTER_CA_MISMATCH',
  401,
  (master: string, detail: string) =>
    `Refusing to talk to ${master}: its certificate does not chain to the CA in the join token ` +
    `(${detail}). Check the --master URL, or get the current token with \`mesolite token show\` ` +
    'on the master.',
);

export const MasterUnreachableError = defineError(
  'MESOLITE_ERR_MASTER_UNREACHABLE',
  503,
  (master: string, reason: string) =>
    `Cannot reach the master at ${master}: ${reason}. Check that it is running and that the URL is right.`,
);
