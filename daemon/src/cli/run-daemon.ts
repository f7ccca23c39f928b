import { resolveDaemonOptions } from '../config/daemon-options.js';
import { startDaemon } from '../daemon.js';
import { createLogger } from '../logger.js';
import type { DaemonFlags } from './daemon-flags.js';

/** Starts a daemon from CLI flags, prints where it is, and stops it cleanly on a signal. */
export async function runDaemon(flags: DaemonFlags, withAgent: boolean): Promise<void> {
  const options = resolveDaemonOptions({
    host: flags.host,
    port: flags.port,
    workDir: flags.workDir,
    logLevel: flags.logLevel,
    agent: withAgent,
    ...(flags.weights ? { weights: flags.weights } : {}),
    ...(flags.plugins ? { plugins: flags.plugins } : {}),
    classicPorts: flags.classicPorts ?? false,
    ...(flags.offerTimeout !== undefined ? { offerTimeoutSeconds: flags.offerTimeout } : {}),
  });
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
}
