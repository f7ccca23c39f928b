import { type Command, Option } from 'commander';
import { type MasterAccessFlags, masterFetch, resolveMasterAccess } from '../auth/master-fetch.js';

/**
 * The options every client command takes to reach a master with auth on: a token
 * (else the one `mesolite login` saved for that master) and the CA to trust (else the
 * one saved at login, else the system's).
 *
 * @example
 * withCredentialOptions(new Command('app').addOption(masterOption()))
 *   .action(async (flags) => { const fetch = await clientFetch(flags); ... });
 */
export function withCredentialOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--token <token>', 'login token (default: the one `mesolite login` saved)').env(
        'MESOLITE_TOKEN',
      ),
    )
    .addOption(
      new Option(
        '--ca-cert <file>',
        "the master's CA certificate (PEM), e.g. WORK_DIR/tls/ca.crt",
      ).env('MESOLITE_CA_CERT'),
    );
}

/** A fetch for `flags.master` carrying the credentials the flags or a saved login give. */
export async function clientFetch(flags: MasterAccessFlags): Promise<typeof fetch> {
  return masterFetch(await resolveMasterAccess(flags));
}
