import { resolveDaemonOptions } from '../config/daemon-options.js';
import { startDaemon } from '../daemon.js';
import { InvalidOptionError } from '../errors.js';
import { createLogger } from '../logger.js';
import type { DaemonFlags } from './daemon-flags.js';
import { joinInstructions } from './join-instructions.js';

/** Starts a daemon from CLI flags, prints where it is, and stops it cleanly on a signal. */
export async function runDaemon(flags: DaemonFlags, withAgent: boolean): Promise<void> {
  if (flags.quorum !== undefined) {
    throw new InvalidOptionError(
      'quorum',
      'it counts highly available masters, so it goes with --zk zk://HOST:PORT/PATH; ' +
        'a master without --zk is alone',
    );
  }
  const options = resolveDaemonOptions({
    host: flags.host,
    port: flags.port,
    workDir: flags.workDir,
    logLevel: flags.logLevel,
    agent: withAgent,
    ...(flags.weights ? { weights: flags.weights } : {}),
    ...(flags.plugins ? { plugins: flags.plugins } : {}),
    classicPorts: flags.classicPorts ?? false,
    ...(flags.auth ? { auth: true } : {}),
    ...(flags.tlsCert !== undefined ? { tlsCert: flags.tlsCert } : {}),
    ...(flags.tlsKey !== undefined ? { tlsKey: flags.tlsKey } : {}),
    ...(flags.ldapConfig !== undefined ? { ldapConfig: flags.ldapConfig } : {}),
    ...(flags.credentials !== undefined ? { credentials: flags.credentials } : {}),
    ...(flags.offerTimeout !== undefined ? { offerTimeoutSeconds: flags.offerTimeout } : {}),
  });
  const logger = createLogger(options.logLevel);
  const daemon = await startDaemon(options, logger);
  process.stdout.write(`mesolite is up: ${daemon.url}/\n`);
  if (daemon.joinToken !== undefined) {
    process.stdout.write(
      `${joinInstructions(daemon.url, daemon.joinToken, daemon.caFile, withAgent)}\n`,
    );
  }

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
