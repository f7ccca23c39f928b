import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { CredentialsFileError } from '../auth/errors.js';
import { masterFetch } from '../auth/master-fetch.js';
import { InvalidOptionError } from '../errors.js';
import type { HttpSchedulerTransportOptions } from '../scheduler/http-transport.js';

export interface FrameworkCredentialFlags {
  readonly principal?: string | undefined;
  readonly secretFile?: string | undefined;
  readonly caCert?: string | undefined;
}

/**
 * How a framework run on its own (`mesolite plugin run`) authenticates to a master with
 * auth: a principal of the master's --credentials file and its secret, read from a file
 * as Marathon's --mesos_authentication_secret_file is (a secret on the command line would
 * show in `ps`), sent as HTTP Basic; and the CA to trust for HTTPS.
 */
export function withFrameworkCredentialOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--principal <name>',
        "the framework's principal (the master's --credentials)",
      ).env('MESOLITE_PRINCIPAL'),
    )
    .addOption(
      new Option('--secret-file <file>', "a file holding the principal's secret").env(
        'MESOLITE_SECRET_FILE',
      ),
    )
    .addOption(
      new Option(
        '--ca-cert <file>',
        "the master's CA certificate (PEM), e.g. WORK_DIR/tls/ca.crt",
      ).env('MESOLITE_CA_CERT'),
    );
}

/** The scheduler transport's options for these flags: Basic credentials and a fetch trusting the CA. */
export async function frameworkTransportOptions(
  flags: FrameworkCredentialFlags,
): Promise<Pick<HttpSchedulerTransportOptions, 'credentials' | 'fetch'>> {
  if ((flags.principal === undefined) !== (flags.secretFile === undefined)) {
    throw new InvalidOptionError('--principal', 'pass --principal and --secret-file together');
  }
  const secret = flags.secretFile === undefined ? undefined : await readText(flags.secretFile);
  const ca = flags.caCert === undefined ? undefined : await readText(flags.caCert);
  return {
    ...(flags.principal !== undefined && secret !== undefined
      ? { credentials: { principal: flags.principal, secret } }
      : {}),
    ...(ca !== undefined ? { fetch: masterFetch({ ca }) } : {}),
  };
}

async function readText(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw new CredentialsFileError(path, (err as Error).message);
  }
}
