import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type DaemonOptions,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultWorkDir,
  parseWeights,
} from '../config/daemon-options.js';
import { MesoliteError } from '../errors.js';
import { quorumProblem } from '../ha/quorum.js';
import { parseZooKeeperUrl } from '../ha/zk-url.js';
import { parsePort } from './parse.js';

export interface DaemonFlags {
  port: number;
  host: string;
  workDir: string;
  logLevel: DaemonOptions['logLevel'];
  offerTimeout?: number;
  weights?: Record<string, number>;
  plugins?: string[];
  classicPorts?: boolean;
  zk?: string;
  quorum?: number;
  auth?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  ldapConfig?: string;
  credentials?: string;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!(seconds > 0)) throw new InvalidArgumentError('a number of seconds greater than 0.');
  return seconds;
}

function parseWeightsFlag(value: string): Record<string, number> {
  try {
    return parseWeights(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof MesoliteError ? err.message : String(err));
  }
}

function parseQuorumFlag(value: string): number {
  const problem = quorumProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}.`);
  return Number(value.trim());
}

function parseZkFlag(value: string): string {
  try {
    parseZooKeeperUrl(value);
    return value;
  } catch (err) {
    throw new InvalidArgumentError(err instanceof MesoliteError ? err.message : String(err));
  }
}

/** The flags every command that starts a daemon takes (`up`, `master`). */
export function addDaemonFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--port <port>', 'port to listen on (0 picks a free one)')
        .argParser(parsePort)
        .default(DEFAULT_PORT),
    )
    .addOption(new Option('--host <addr>', 'address to listen on').default(DEFAULT_HOST))
    .addOption(
      new Option('--work-dir <dir>', 'where state, sandboxes and logs live')
        .env('MESOLITE_WORK_DIR')
        .default(defaultWorkDir()),
    )
    .addOption(
      new Option('--offer-timeout <seconds>', 'rescind offers not answered in this time').argParser(
        parseSeconds,
      ),
    )
    .addOption(
      new Option('--weights <list>', 'role weights for fair sharing, e.g. "ops=2,dev=1"').argParser(
        parseWeightsFlag,
      ),
    )
    .addOption(
      new Option(
        '--plugins <list>',
        'which built-in plugins to start, e.g. "marathon,chronos" (default: all; plugins installed at run time always start)',
      ).argParser((value: string) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    )
    .addOption(
      new Option(
        '--zk <url>',
        'zk://HOST:PORT[,HOST:PORT...]/PATH: run as one of several masters that elect a leader ' +
          'and keep their state in ZooKeeper',
      ).argParser(parseZkFlag),
    )
    .addOption(
      new Option(
        '--quorum <n>',
        'with --zk: how many masters must be present in the election before the elected one ' +
          'recovers and serves (Mesos: a majority, 2 of 3); default 1',
      ).argParser(parseQuorumFlag),
    )
    .addOption(
      new Option(
        '--classic-ports',
        'also serve Marathon on 8080 and Chronos on 4400, as they used to be',
      ),
    )
    .addOption(
      new Option(
        '--auth',
        'serve HTTPS and require a login on loopback too (always on beyond loopback)',
      ),
    )
    .addOption(
      new Option('--tls-cert <file>', 'PEM certificate (chain) to serve (default: generated)'),
    )
    .addOption(new Option('--tls-key <file>', 'PEM key of --tls-cert'))
    .addOption(
      new Option('--ldap-config <file>', "LDAP settings (DC/OS's JSON fields plus group-roles)"),
    )
    .addOption(
      new Option(
        '--credentials <file>',
        "framework principals and secrets, in Mesos's --credentials JSON format",
      ),
    )
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    );
}
