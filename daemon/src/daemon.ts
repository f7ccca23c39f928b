import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { type AgentRuntime, startAgentRuntime } from './agent/agent-runtime.js';
import { FilesRegistry } from './agent/files/files-registry.js';
import { filesRoutes } from './agent/files/files-routes.js';
import { localFilesSource } from './agent/files/files-source.js';
import { OwnerNames } from './agent/files/owner-names.js';
import { authPlugin } from './auth/auth-plugin.js';
import { catalogRoutes } from './catalog/cosmos-routes.js';
import type { DaemonOptions } from './config/daemon-options.js';
import { WorkDirError } from './errors.js';
import type { Logger } from './logger.js';
import { attachAgentChannel } from './master/agent-channel.js';
import { agentFilesRoutes } from './master/http/agent-files-routes.js';
import { imagesRoutes } from './master/http/images-endpoint.js';
import { masterRoutes } from './master/http/routes.js';
import { inProcessEndpoint } from './master/in-process-endpoint.js';
import { Master } from './master/master.js';
import { buildMasterInfo } from './master/master-info.js';
import { getState } from './master/render/operator-responses.js';
import { discoverPlugins } from './plugins/discovery.js';
import { PackageReplica } from './plugins/package-replica.js';
import { ArtifactRegistry, servedByMaster } from './plugins/plugin-artifacts.js';
import { signedPluginCredentials } from './plugins/plugin-credentials.js';
import { PluginHost } from './plugins/plugin-host.js';
import { PluginInstaller } from './plugins/plugin-installer.js';
import { pluginRoutes } from './plugins/plugin-routes.js';
import { selectPlugins } from './plugins/plugin-selection.js';
import type { MasterInfo } from './protocol/mesos.js';
import { InProcessSchedulerTransport } from './scheduler/in-process-transport.js';
import { buildServer, type MesoliteServer } from './server/app.js';
import { type ClusterSecurity, prepareDaemonSecurity } from './server/daemon-security.js';
import { demoRoutes } from './server/demo-routes.js';
import { pluginArtifactRoutes } from './server/plugin-artifact-routes.js';
import { pluginUiRoutes } from './server/plugin-ui-routes.js';
import type { SocketAccess } from './server/socket-access.js';
import { attachUiChannel } from './server/ui-channel.js';
import { uiRoutes } from './server/ui-routes.js';
import { GroupCommitStore } from './store/group-commit-store.js';
import { LevelStore } from './store/level-store.js';
import type { Store } from './store/store.js';
import { reachableOrigin } from './tls/lan-addresses.js';

/** The ports Marathon and Chronos classically listened on, for `--classic-ports`. */
export const CLASSIC_PORTS: Record<string, number> = { marathon: 8080, chronos: 4400 };

export interface RunningDaemon {
  /** The base URL the daemon serves, with the port actually bound. */
  readonly url: string;
  readonly server: MesoliteServer;
  readonly master: Master;
  /** The local agent, when this daemon runs one (`mesolite up`). */
  readonly agent: AgentRuntime | undefined;
  readonly plugins: PluginHost;
  /** With auth on: the token agents join with, and the CA file clients should trust. */
  readonly joinToken?: string | undefined;
  readonly caFile?: string | undefined;
  stop(): Promise<void>;
}

/** Tunables tests shorten; everything else comes from DaemonOptions. */
export interface DaemonTuning {
  heartbeatIntervalSeconds?: number;
  agentUnreachableTimeoutMs?: number;
  agentReregisterTimeoutMs?: number;
  offerTimeoutMs?: number;
  allocationIntervalMs?: number;
  agentToken?: string;
  /** How long ended tasks' sandboxes are kept (Mesos's --gc_delay). */
  gcDelayMs?: number;
  /** Operator config per plugin name, overlaid on each manifest's `config`. */
  pluginConfig?: Record<string, Record<string, unknown>>;
  /** Set by a highly available master (ha/ha-master.ts) for each term it contends in. */
  ha?: HighAvailabilityTerm;
}

/** What a highly available master hands the daemon for one leadership term. */
export interface HighAvailabilityTerm {
  /** The replicated store, used instead of the work dir's LevelDB; closing it ends only this term's view. */
  readonly store: Store;
  /** Registered first, at the root, so that it sees every request: the follower routes. */
  readonly routes: FastifyPluginAsync;
  /** This master as it contends, so that its state names the master ZooKeeper names. */
  readonly masterInfo: MasterInfo;
  /**
   * Resolves once this master is elected: until then it serves, but its master core and
   * plugins do not start. Rejecting it stops the daemon (startDaemon rejects with that error).
   */
  readonly elected: Promise<void>;
  /**
   * Called once elected; the master recovers when it resolves (enough masters are
   * present, as --quorum asks) and answers 503 "not finished recovery" until then.
   * Rejecting it stops the daemon, as `elected` does.
   */
  readonly recoverable?: () => Promise<void>;
  /** With auth on: the certificate and join token every master of the cluster shares. */
  readonly security?: ClusterSecurity | undefined;
}

/**
 * Starts the daemon: opens the store in the work dir, recovers the master from it,
 * and serves the APIs. The returned handle owns everything that was started; `stop`
 * releases it all, in reverse order, and is safe to call more than once.
 */
export async function startDaemon(
  options: DaemonOptions,
  logger: Logger,
  tuning: DaemonTuning = {},
): Promise<RunningDaemon> {
  try {
    await mkdir(options.workDir, { recursive: true });
  } catch (err) {
    throw new WorkDirError(options.workDir, (err as Error).message);
  }
  const store = GroupCommitStore.wrap(
    tuning.ha?.store ?? (await LevelStore.open(join(options.workDir, 'store'))),
  );

  const security = await prepareDaemonSecurity(options, store, tuning.ha?.security).catch(
    async (err: unknown) => {
      await store.close();
      throw err;
    },
  );
  const server = buildServer({
    logger,
    https: security.tls && { cert: security.tls.cert, key: security.tls.key },
  });
  // Agents are noticed gone within 10 s by socket.io's own ping; with the master's
  // 20 s grace after that, a vanished agent is unreachable within 30 s (Mesos: 75 s).
  const io = new SocketServer(server.server, {
    serveClient: false,
    pingInterval: 5000,
    pingTimeout: 5000,
  });
  const { gcDelayMs, pluginConfig, ha, ...masterTuning } = tuning;
  const ip = options.host === 'localhost' ? '127.0.0.1' : options.host;
  const master = new Master({
    store: store.namespace('master'),
    logger: logger.child({ component: 'master' }),
    masterInfo: ha?.masterInfo ?? buildMasterInfo(ip, options.port),
    flags: new Map([
      ['ip', ip],
      ['work_dir', options.workDir],
      ['hostname_lookup', 'false'],
    ]),
    ...(options.offerTimeoutSeconds !== undefined
      ? { offerTimeoutMs: options.offerTimeoutSeconds * 1000 }
      : {}),
    ...masterTuning,
  });
  const files = new FilesRegistry();
  // Files plugins' tasks fetch, served by this master at the address plugins are given.
  const artifacts = new ArtifactRegistry(servedByMaster((): string => plugins.masterUrl));
  const plugins = new PluginHost({
    store: store.namespace('plugins'),
    logger: logger.child({ component: 'plugins' }),
    host: options.host,
    io,
    transport: () => new InProcessSchedulerTransport(inProcessEndpoint(master)),
    ...(options.classicPorts ? { ports: CLASSIC_PORTS } : {}),
    ...(pluginConfig === undefined ? {} : { config: pluginConfig }),
    socketAccess: security.socketAccess,
    artifacts,
    ...(security.enabled
      ? {
          credentials: signedPluginCredentials(
            security.auth.authenticator.signer,
            security.tls?.ca,
          ),
        }
      : {}),
  });
  // Highly available: installed packages live in the replicated store too, so every
  // master that leads installs the same ones. Alone, the work dir is the whole record.
  const installer = new PluginInstaller({
    workDir: options.workDir,
    host: plugins,
    logger: logger.child({ component: 'plugin-installer' }),
    ...(ha ? { replica: new PackageReplica(store.namespace('plugin-packages')) } : {}),
  });
  // Browser-facing namespaces admit handshakes on the HTTP API's terms, decided here once.
  const socketAccess: SocketAccess = security.socketAccess;
  const ui = attachUiChannel(io, {
    logger: logger.child({ component: 'ui-channel' }),
    access: socketAccess,
  });
  let agent: AgentRuntime | undefined;
  try {
    // First, so that its hook checks every request, the follower routes' included.
    await server.register(authPlugin, security.auth);
    if (ha) await server.register(ha.routes);
    await server.register(masterRoutes(master));
    await server.register(masterRoutes(master), { prefix: '/mesos' });
    if (options.agent) await server.register(filesRoutes(files));
    // Every agent's sandboxes through the master, as DC/OS serves /agent/<id>/files/*.
    const localFiles = localFilesSource(files, new OwnerNames());
    const agentFiles = agentFilesRoutes({
      master,
      localAgent: () => agent && { id: agent.agent.id, files: localFiles },
    });
    await server.register(agentFiles);
    await server.register(agentFiles, { prefix: '/mesos' });
    await server.register(pluginRoutes(plugins, installer));
    await server.register(uiRoutes());
    await server.register(
      pluginUiRoutes((name) => {
        const plugin = plugins.plugin(name);
        return plugin && { dir: plugin.dir, ui: plugin.manifest.ui };
      }),
    );
    await server.register(
      pluginArtifactRoutes({
        registry: artifacts,
        secured: security.enabled,
        admitAgent: security.admitAgent,
      }),
    );
    await server.register(demoRoutes);
    await server.register(catalogRoutes({ store: store.namespace('catalog') }));
    await server.register(imagesRoutes({ master, workDir: options.workDir }));
    attachAgentChannel(
      io,
      master,
      logger.child({ component: 'agent-channel' }),
      security.admitAgent,
    );
    await server.listen({ host: options.host, port: options.port });
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    master.advertise(ha?.masterInfo ?? buildMasterInfo(ip, port));
    master.flags.set('port', String(port));
    if (ha) {
      await ha.elected;
      master.markElected();
      await ha.recoverable?.();
    }
    await master.recover();
    const weights = Object.entries(options.weights).map(([role, weight]) => ({ role, weight }));
    if (weights.length > 0) await master.updateWeights(weights);
    master.start();
    ui.start({
      state: () => ({ type: 'GET_STATE', get_state: getState(master) }),
      subscribe: (changed) => master.subscribeOperator(() => changed()),
    });

    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const url = `${security.enabled ? 'https' : 'http'}://${host}:${port}`;
    if (options.agent) {
      // The local agent joins over the same channel as an agent on another machine, with
      // the same token and CA; a wildcard address is reached on loopback, which the
      // certificate names.
      const reachable = new URL(url);
      if (reachable.hostname === '0.0.0.0' || reachable.hostname === '[::]') {
        reachable.hostname = '127.0.0.1';
      }
      agent = await startAgentRuntime({
        masterUrl: reachable.origin,
        workDir: options.workDir,
        store: store.namespace('agent'),
        logger: logger.child({ component: 'agent' }),
        files,
        token: tuning.agentToken ?? security.joinToken,
        gcDelayMs,
        ...(security.tls ? { socketOptions: { ca: security.tls.ca } } : {}),
        // The address this master names itself by in its plugins' artifact URIs.
        masterAliases: [reachableOrigin(url)],
      });
    }
    const localAgent = agent;
    // Plugins hand this address to tasks (callbacks, links): one that other hosts reach.
    plugins.masterUrl = reachableOrigin(url);
    await installer.recover();
    const unreplicable = await installer.matchReplica();
    const discovered = await discoverPlugins(options.workDir);
    await plugins.load(selectPlugins(discovered.found, options.plugins), [
      ...discovered.broken,
      ...unreplicable,
    ]);
    logger.info({ url, workDir: options.workDir }, 'mesolite daemon listening');

    let stopping: Promise<void> | undefined;
    return {
      url,
      server,
      master,
      agent: localAgent,
      plugins,
      joinToken: security.joinToken,
      caFile: security.tls?.caFile,
      stop() {
        stopping ??= (async () => {
          await plugins.stopAll();
          await localAgent?.stop();
          ui.stop();
          await master.stop();
          io.disconnectSockets(true);
          io.engine.close();
          await server.close();
          await store.close();
          logger.info('mesolite daemon stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await plugins.stopAll().catch(() => undefined);
    await agent?.stop().catch(() => undefined);
    ui.stop();
    await master.stop().catch(() => undefined);
    io.engine.close();
    await server.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
