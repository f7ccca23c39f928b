import { Command, Option } from 'commander';
import {
  type DaemonOptions,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultWorkDir,
  resolveDaemonOptions,
} from '../config/daemon-options.js';
import { startDaemon } from '../daemon.js';
import { createLogger } from '../logger.js';
import { parsePort } from './parse.js';

interface UpFlags {
  port: number;
  host: string;
  workDir: string;
  logLevel: DaemonOptions['logLevel'];
}

export function upCommand(): Command {
  return new Command('up')
    .description('start the daemon: master, agent and plugins, serving the API and UI')
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
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (flags: UpFlags) => {
      const options = resolveDaemonOptions(flags);
      const logger = createLogger(options.logLevel);
      const daemon = await startDaemon(options, logger);
      process.stdout.write(`mesolite is up: ${daemon.url}/\n`);

      let signalled = false;
      const shutdown = (signal: NodeJS.Signals) => {
        if (signalled) {
          // A second signal means the user will not wait for a clean stop.
          process.exit(130);
        }
        signalled = true;
        logger.info({ signal }, 'shutting down');
        daemon.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}
