import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { withLocalUsers } from '../auth/local-auth-store.js';
import type { Role } from '../auth/roles.js';
import { ROLES_PATH, USERS_PATH } from '../auth/user-routes.js';
import type { LocalUser } from '../auth/user-store.js';
import { defaultWorkDir } from '../config/daemon-options.js';
import { clientFetch, withCredentialOptions } from './credential-options.js';
import { masterOption } from './master-option.js';
import { requestMaster } from './master-request.js';
import { type CommandIo, processIo, readNewPassword } from './password-input.js';

interface TargetFlags {
  workDir?: string;
  master: string;
  token?: string;
  caCert?: string;
}

type Target = { kind: 'local'; workDir: string } | { kind: 'remote'; flags: TargetFlags };

/**
 * --work-dir works on a stopped daemon's store; --master (or MESOLITE_MASTER) asks a
 * running one. With neither, the default work dir, since the first admin is made before
 * the first start.
 */
function targetOf(command: Command, flags: TargetFlags): Target {
  const masterGiven = command.getOptionValueSource('master') !== 'default';
  if (flags.workDir === undefined && masterGiven) return { kind: 'remote', flags };
  return { kind: 'local', workDir: resolve(flags.workDir ?? defaultWorkDir()) };
}

function withTarget(command: Command): Command {
  return withCredentialOptions(
    command
      .addOption(
        new Option('--work-dir <dir>', "a stopped daemon's work dir (default ~/.mesolite)"),
      )
      .addOption(masterOption()),
  );
}

function encoded(uid: string): string {
  return `${USERS_PATH}/${encodeURIComponent(uid)}`;
}

/** `mesolite user add|list|remove`: the local users of a master. */
export function userCommand(io: CommandIo = processIo()): Command {
  const user = new Command('user').description(
    'manage the local users who may log in (admin or viewer)',
  );

  withTarget(
    user
      .command('add')
      .description(
        'add a user; the password is asked for, or read from stdin with --password-stdin',
      )
      .argument('<name>', 'the login name')
      .addOption(
        new Option('--role <role>', 'admin may change things; viewer may only read')
          .choices(['admin', 'viewer'])
          .makeOptionMandatory(),
      )
      .option('--password-stdin', 'read the password from stdin')
      .option('--description <text>', 'who this is', ''),
  ).action(
    async (
      uid: string,
      flags: TargetFlags & { role: Role; passwordStdin?: boolean; description: string },
      command: Command,
    ) => {
      const password = await readNewPassword(io, flags.passwordStdin === true);
      const target = targetOf(command, flags);
      if (target.kind === 'local') {
        await withLocalUsers(target.workDir, (users) =>
          users.add({ uid, password, role: flags.role, description: flags.description }),
        );
      } else {
        await requestMaster(await clientFetch(flags), flags.master, 'PUT', encoded(uid), {
          password,
          role: flags.role,
          description: flags.description,
        });
      }
      io.stdout.write(`added ${flags.role} ${uid}\n`);
    },
  );

  withTarget(user.command('list').description('list the local users and their roles')).action(
    async (flags: TargetFlags, command: Command) => {
      const target = targetOf(command, flags);
      const users =
        target.kind === 'local'
          ? await withLocalUsers(target.workDir, (store) => store.list())
          : (
              await requestMaster<{ users: LocalUser[] }>(
                await clientFetch(flags),
                flags.master,
                'GET',
                ROLES_PATH,
              )
            ).users;
      const width = Math.max(4, ...users.map((entry) => entry.uid.length));
      io.stdout.write(`${'NAME'.padEnd(width)}  ROLE    DESCRIPTION\n`);
      for (const entry of users) {
        io.stdout.write(
          `${entry.uid.padEnd(width)}  ${entry.role.padEnd(6)}  ${entry.description}\n`,
        );
      }
    },
  );

  withTarget(
    user.command('remove').description('remove a local user').argument('<name>', 'the login name'),
  ).action(async (uid: string, flags: TargetFlags, command: Command) => {
    const target = targetOf(command, flags);
    if (target.kind === 'local') await withLocalUsers(target.workDir, (users) => users.remove(uid));
    else await requestMaster(await clientFetch(flags), flags.master, 'DELETE', encoded(uid));
    io.stdout.write(`removed ${uid}\n`);
  });
  return user;
}
