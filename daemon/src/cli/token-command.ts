import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { formatJoinToken } from '../auth/join-token.js';
import { readJoinToken, rotateJoinToken } from '../auth/join-token-file.js';
import { JOIN_TOKEN_PATH } from '../auth/join-token-routes.js';
import { defaultWorkDir } from '../config/daemon-options.js';
import { clientFetch, withCredentialOptions } from './credential-options.js';
import { masterOption } from './master-option.js';
import { requestMaster } from './master-request.js';
import { type CommandIo, processIo } from './password-input.js';

interface TokenFlags {
  workDir?: string;
  master: string;
  token?: string;
  caCert?: string;
}

function withTarget(command: Command): Command {
  return withCredentialOptions(
    command
      .addOption(new Option('--work-dir <dir>', "the master's work dir (default ~/.mesolite)"))
      .addOption(masterOption()),
  );
}

/**
 * The token is a file in the work dir, readable while the master runs; --master (or
 * MESOLITE_MASTER) asks a master elsewhere, as an admin.
 */
function isRemote(command: Command, flags: TokenFlags): boolean {
  return flags.workDir === undefined && command.getOptionValueSource('master') !== 'default';
}

/** `mesolite token show|rotate`: the join token agents on other machines need. */
export function tokenCommand(io: CommandIo = processIo()): Command {
  const token = new Command('token').description(
    "show or rotate the master's join token for agents",
  );

  withTarget(token.command('show').description('print the join token')).action(
    async (flags: TokenFlags, command: Command) => {
      const text = isRemote(command, flags)
        ? (
            await requestMaster<{ token: string }>(
              await clientFetch(flags),
              flags.master,
              'GET',
              JOIN_TOKEN_PATH,
            )
          ).token
        : formatJoinToken(await readJoinToken(resolve(flags.workDir ?? defaultWorkDir())));
      io.stdout.write(`${text}\n`);
    },
  );

  withTarget(
    token
      .command('rotate')
      .description('replace the join token; running agents stay, new ones need the new token'),
  ).action(async (flags: TokenFlags, command: Command) => {
    const text = isRemote(command, flags)
      ? (
          await requestMaster<{ token: string }>(
            await clientFetch(flags),
            flags.master,
            'POST',
            `${JOIN_TOKEN_PATH}/rotate`,
          )
        ).token
      : formatJoinToken(await rotateJoinToken(resolve(flags.workDir ?? defaultWorkDir())));
    io.stdout.write(`${text}\n`);
  });
  return token;
}
