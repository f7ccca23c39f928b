import { join } from 'node:path';
import { Command } from 'commander';
import { type AgentRuntime, startAgentRuntime } from '../agent/agent-runtime.js';
import { FilesRegistry } from '../agent/files/files-registry.js';
import { formatJoinToken } from '../auth/join-token.js';
import { resolveDaemonOptions } from '../config/daemon-options.js';
import { HaMaster } from '../ha/ha-master.js';
import { MasterFollower } from '../ha/master-follower.js';
import { formatZooKeeperUrl, parseZooKeeperUrl } from '../ha/zk-url.js';
import { createLogger } from '../logger.js';
import { GroupCommitStore } from '../store/group-commit-store.js';
import { LevelStore } from '../store/level-store.js';
import { addDaemonFlags, type DaemonFlags } from './daemon-flags.js';
import { joinInstructions } from './join-instructions.js';
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
    ...(flags.auth ? { auth: true } : {}),
    ...(flags.tlsCert !== undefined ? { tlsCert: flags.tlsCert } : {}),
    ...(flags.tlsKey !== undefined ? { tlsKey: flags.tlsKey } : {}),
    ...(flags.ldapConfig !== undefined ? { ldapConfig: flags.ldapConfig } : {}),
    ...(flags.credentials !== undefined ? { credentials: flags.credentials } : {}),
  });
  const logger = createLogger(options.logLevel);
  // The local agent's sandboxes, served at this master's /files/* as `mesolite up` does.
  const files = withAgent ? new FilesRegistry() : undefined;
  const master = await HaMaster.start({
    zk,
    daemon: options,
    logger,
    ...(flags.quorum !== undefined ? { quorum: flags.quorum } : {}),
    ...(files ? { localFiles: files } : {}),
  });
  process.stdout.write(`mesolite is up: ${master.url}/ (contending through ${zk})\n`);
  const joinToken = master.security
    ? formatJoinToken(await master.security.joinTokens.current())
    : undefined;
  if (master.security && joinToken !== undefined) {
    // Agents follow whichever master leads, as this one's local agent does.
    const cluster = formatZooKeeperUrl(parseZooKeeperUrl(zk));
    process.stdout.write(
      `${joinInstructions(cluster, joinToken, master.security.tls.caFile, withAgent)}\n`,
    );
  }

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
      files,
      // It joins as any other agent would: with the cluster's token, trusting its CA.
      token: joinToken,
      ...(master.security ? { socketOptions: { ca: master.security.tls.ca } } : {}),
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
