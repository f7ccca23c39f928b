import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type DaemonOptions,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultWorkDir,
  parseWeights,
} from '../config/daemon-options.js';
import { MesoliteError } from '../errors.js';
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
        'which plugins to start, e.g. "marathon,chronos" (default: all)',
      ).argParser((value: string) =>
        value
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean),
      ),
    )
    .addOption(
      new Option(
        '--classic-ports',
        'also serve Marathon on 8080 and Chronos on 4400, as they used to be',
      ),
    )
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    );
}
