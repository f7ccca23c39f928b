import { join } from 'node:path';
import { Command } from 'commander';
import { type AgentRuntime, startAgentRuntime } from '../agent/agent-runtime.js';
import { authRequired, resolveDaemonOptions } from '../config/daemon-options.js';
import { InvalidOptionError } from '../errors.js';
import { HaMaster } from '../ha/ha-master.js';
import { MasterFollower } from '../ha/master-follower.js';
import { createLogger } from '../logger.js';
import { GroupCommitStore } from '../store/group-commit-store.js';
import { LevelStore } from '../store/level-store.js';
import { addDaemonFlags, type DaemonFlags } from './daemon-flags.js';
import { runDaemon } from './run-daemon.js';

export function upCommand(): Command {
  return addDaemonFlags(
    new Command('up').description(
      'start the daemon: master, agent and plugins, serving the API and UI',
    ),
  ).action((flags: DaemonFlags) =>
    flags.zk === undefined ? runDaemon(flags, true) : runHaMaster(flags.zk, flags, true),
  );
}

export function masterCommand(): Command {
  return addDaemonFlags(
    new Command('master').description('start a master (with its plugins) and no local agent'),
  ).action((flags: DaemonFlags) =>
    flags.zk === undefined ? runDaemon(flags, false) : runHaMaster(flags.zk, flags, false),
  );
}

/**
 * `mesolite master --zk` (and `up --zk`): one of several masters electing a leader in
 * ZooKeeper. With `up`, the local agent follows whichever master leads, this one or not.
 */
async function runHaMaster(zk: string, flags: DaemonFlags, withAgent: boolean): Promise<void> {
  const options = resolveDaemonOptions({
    host: flags.host,
    port: flags.port,
    workDir: flags.workDir,
    logLevel: flags.logLevel,
    agent: false,
    zk,
    ...(flags.weights ? { weights: flags.weights } : {}),
    ...(flags.plugins ? { plugins: flags.plugins } : {}),
    classicPorts: flags.classicPorts ?? false,
    ...(flags.offerTimeout !== undefined ? { offerTimeoutSeconds: flags.offerTimeout } : {}),
  });
  const secured =
    authRequired(options) ||
    flags.auth === true ||
    [flags.tlsCert, flags.tlsKey, flags.ldapConfig, flags.credentials].some(
      (value) => value !== undefined,
    );
  if (secured) {
    // Followers redirect and proxy over plain HTTP and the join token is not shared yet.
    throw new InvalidOptionError(
      'zk',
      'highly available masters serve on loopback without --auth for now; drop --auth, ' +
        '--tls-cert, --tls-key, --ldap-config and --credentials, and listen on 127.0.0.1',
    );
  }
  const logger = createLogger(options.logLevel);
  const master = await HaMaster.start({ zk, daemon: options, logger });
  process.stdout.write(`mesolite is up: ${master.url}/ (contending through ${zk})\n`);

  let agent:
    | { runtime: AgentRuntime; follower: MasterFollower; close(): Promise<void> }
    | undefined;
  if (withAgent) {
    const follower = await MasterFollower.start(zk, { logger });
    const store = GroupCommitStore.wrap(await LevelStore.open(join(options.workDir, 'store')));
    const runtime = await startAgentRuntime({
      masterUrl: follower.url,
      workDir: options.workDir,
      store: store.namespace('agent'),
      logger: logger.child({ component: 'agent' }),
    });
    follower.on('leader', (url) => runtime.agent.followMaster(url));
    agent = { runtime, follower, close: () => store.close() };
  }

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    logger.info({ signal }, 'shutting down');
    (async () => {
      if (agent) {
        await agent.runtime.stop();
        await agent.follower.close();
        await agent.close();
      }
      await master.stop();
    })().then(
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
