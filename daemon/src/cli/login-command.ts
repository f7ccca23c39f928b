import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { CredentialsFileError, LoginFailedError, NotLoggedInError } from '../auth/errors.js';
import { LOGIN_PATH } from '../auth/login-routes.js';
import { masterFetch } from '../auth/master-fetch.js';
import { defaultCredentialsPath, saveMaster } from '../auth/saved-credentials.js';
import { masterOption } from './master-option.js';
import { requestMaster } from './master-request.js';
import { type CommandIo, processIo, promptSecret, readStdinSecret } from './password-input.js';

interface LoginFlags {
  master: string;
  uid?: string;
  passwordStdin?: boolean;
  caCert?: string;
  /** Set when --master was a zk:// URL (see resolveZooKeeperMaster). */
  cluster?: string;
}

/**
 * `mesolite login --master URL`: logs in as DC/OS's CLI does and keeps the token (and
 * the CA the master was verified with) in ~/.mesolite/credentials, readable by the user
 * only, for every later client command against that master.
 */
export function loginCommand(io: CommandIo = processIo()): Command {
  return new Command('login')
    .description('log in to a master and keep the token for later commands')
    .addOption(masterOption())
    .addOption(new Option('--uid <name>', 'who to log in as (default: your login name)'))
    .option('--password-stdin', 'read the password from stdin')
    .addOption(
      new Option(
        '--ca-cert <file>',
        "the master's CA certificate (PEM), e.g. WORK_DIR/tls/ca.crt",
      ).env('MESOLITE_CA_CERT'),
    )
    .action(async (flags: LoginFlags) => {
      const uid = flags.uid ?? userInfo().username;
      const password = flags.passwordStdin
        ? await readStdinSecret(io.stdin)
        : await promptSecret(io, `Password for ${uid}: `);
      let ca: string | undefined;
      if (flags.caCert !== undefined) {
        try {
          ca = await readFile(flags.caCert, 'utf8');
        } catch (err) {
          throw new CredentialsFileError(flags.caCert, (err as Error).message);
        }
      }
      const { token } = await requestMaster<{ token: string }>(
        masterFetch({ ca }),
        flags.master,
        'POST',
        LOGIN_PATH,
        { uid, password },
      ).catch((err: unknown) => {
        throw err instanceof NotLoggedInError ? new LoginFailedError(flags.master, uid) : err;
      });
      const path = defaultCredentialsPath();
      const entry = { token, ...(ca === undefined ? {} : { caCert: ca }) };
      await saveMaster(path, flags.master, entry);
      if (flags.cluster !== undefined) await saveMaster(path, flags.cluster, entry);
      io.stdout.write(`logged in to ${flags.master} as ${uid}; the token is kept in ${path}\n`);
    });
}
