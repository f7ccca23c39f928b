/**
 * Runs plugins: activates each with its PluginContext, keeps its status (a plugin
 * that throws is marked failed with its error, and everything else keeps running),
 * enables and disables them at run time, and releases everything a plugin held when
 * it stops. Each plugin's HTTP scope is its own fastify app on a loopback port; the
 * daemon proxies /service/<name>/ to it, as DC/OS's admin router proxied services.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import type { Server as SocketServer } from 'socket.io';
import { defineError } from '../errors.js';
import { SchedulerClient } from '../scheduler/client.js';
import type { SchedulerTransport } from '../scheduler/transport.js';
import { createHttpApp, type MesoliteServer } from '../server/app.js';
import type { SocketAccess } from '../server/socket-access.js';
import type { Store } from '../store/store.js';
import type { BrokenPlugin, DiscoveredPlugin } from './discovery.js';
import { PluginExistsError } from './package-errors.js';
import type {
  PluginContext,
  PluginModule,
  TaskCallback,
  TaskCallbackRequest,
} from './plugin-api.js';
import type { ArtifactRegistry } from './plugin-artifacts.js';
import { type PluginCredentials, pluginFetch, reachableMaster } from './plugin-credentials.js';

export type PluginStatus = 'active' | 'activating' | 'failed' | 'disabled';

export interface PluginInfo {
  name: string;
  displayName: string;
  version: string;
  apiVersion: string;
  builtIn: boolean;
  status: PluginStatus;
  error?: string;
  ui?: string;
  /** Where the plugin's HTTP scope listens, when active. */
  url?: string;
}

export const UnknownPluginError = defineError(
  'MESOLITE_ERR_UNKNOWN_PLUGIN',
  404,
  (name: string) =>
    `No plugin named "${name}" is installed; \`mesolite plugin list\` shows those that are`,
);

export const PluginNotServingError = defineError(
  'MESOLITE_ERR_PLUGIN_NOT_SERVING',
  503,
  (name: string) => `Plugin "${name}" is not serving its HTTP API yet; try again once it is active`,
);

export interface PluginHostOptions {
  store: Store;
  logger: Logger;
  host: string;
  io: SocketServer | undefined;
  transport(): SchedulerTransport;
  /** Operator config per plugin name, overlaid on each manifest's defaults. */
  config?: Record<string, Record<string, unknown>>;
  /** Ports to serve a plugin's scope on instead of an ephemeral one (Marathon's classic 8080). */
  ports?: Record<string, number>;
  /** Who may open a plugin's socket.io namespace, put in front of each as it is made. */
  socketAccess?: SocketAccess;
  /** How plugins authenticate to the master and give their tasks credentials; absent when it asks for none. */
  credentials?: PluginCredentials;
  /**
   * Run outside a daemon (`mesolite plugin run`): a plugin's scope is reached on its own
   * port, not through the master's /service/<name>/.
   */
  standalone?: boolean;
  /** Where plugins' artifacts are served from (the master's routes, or local copies). */
  artifacts: ArtifactRegistry;
}

interface Loaded {
  plugin: DiscoveredPlugin;
  status: PluginStatus;
  error?: string | undefined;
  module?: PluginModule | undefined;
  context?: PluginContext | undefined;
  app?: MesoliteServer | undefined;
  url?: string | undefined;
  /** How many times its files were replaced while the daemon ran (an upgrade). */
  generation: number;
}

const ENABLED = 'enabled/';

export class PluginHost {
  private readonly plugins = new Map<string, Loaded>();
  private readonly broken: BrokenPlugin[] = [];
  private readonly guardedNamespaces = new Set<string>();
  /** The master plugins' frameworks talk to; known once the daemon listens. */
  masterUrl = '';

  constructor(private readonly options: PluginHostOptions) {}

  /** Registers what was discovered and activates those not disabled by the operator. */
  async load(
    found: readonly DiscoveredPlugin[],
    broken: readonly BrokenPlugin[] = [],
  ): Promise<void> {
    this.broken.push(...broken);
    for (const { where, error } of broken) this.options.logger.error({ where }, error);
    for (const plugin of found) {
      const name = plugin.manifest.name;
      if (this.plugins.has(name)) {
        this.options.logger.warn(
          { name, dir: plugin.dir },
          'a plugin with this name is already loaded; ignoring',
        );
        continue;
      }
      this.plugins.set(name, { plugin, status: 'disabled', generation: 0 });
      await this.activateUnlessDisabled(name);
    }
  }

  /** A plugin installed while the daemon runs: registered, then activated unless the operator disabled it. */
  async add(plugin: DiscoveredPlugin): Promise<PluginInfo> {
    const name = plugin.manifest.name;
    if (this.plugins.has(name)) throw new PluginExistsError(name);
    this.plugins.set(name, { plugin, status: 'disabled', generation: 0 });
    await this.activateUnlessDisabled(name);
    return this.info(name);
  }

  /**
   * An upgrade: the running version stops, `swap` puts the new files in place, and the
   * new version starts with the same store namespace, hence the same framework id.
   */
  async replace(plugin: DiscoveredPlugin, swap: () => Promise<void>): Promise<PluginInfo> {
    const name = plugin.manifest.name;
    const loaded = this.require(name);
    await this.deactivate(name);
    try {
      await swap();
    } catch (err) {
      // The files were not replaced: the version that ran goes on running.
      await this.activateUnlessDisabled(name);
      throw err;
    }
    loaded.plugin = plugin;
    loaded.generation += 1;
    await this.activateUnlessDisabled(name);
    return this.info(name);
  }

  /** Stops a plugin and forgets it; `deleteFiles` runs once it no longer runs. */
  async remove(name: string, deleteFiles: () => Promise<void>): Promise<void> {
    this.require(name);
    await this.deactivate(name);
    this.plugins.delete(name);
    await this.options.store.del(`${ENABLED}${name}`);
    await deleteFiles();
  }

  /** What was discovered or installed under this name. */
  plugin(name: string): DiscoveredPlugin | undefined {
    return this.plugins.get(name)?.plugin;
  }

  list(): PluginInfo[] {
    return [...this.plugins.values()].map((loaded) => ({
      name: loaded.plugin.manifest.name,
      displayName: loaded.plugin.manifest.displayName,
      version: loaded.plugin.version,
      apiVersion: loaded.plugin.manifest.apiVersion,
      builtIn: loaded.plugin.builtIn,
      status: loaded.status,
      ...(loaded.error ? { error: loaded.error } : {}),
      ...(loaded.plugin.manifest.ui ? { ui: loaded.plugin.manifest.ui } : {}),
      ...(loaded.url ? { url: loaded.url } : {}),
    }));
  }

  brokenPlugins(): readonly BrokenPlugin[] {
    return this.broken;
  }

  /** The base URL of an active plugin's HTTP scope. */
  target(name: string): string | undefined {
    const loaded = this.plugins.get(name);
    return loaded?.status === 'active' ? loaded.url : undefined;
  }

  status(name: string): PluginStatus | undefined {
    return this.plugins.get(name)?.status;
  }

  async enable(name: string): Promise<PluginInfo> {
    const loaded = this.require(name);
    await this.options.store.put(`${ENABLED}${name}`, true);
    if (loaded.status !== 'active' && loaded.status !== 'activating') await this.activate(name);
    return this.info(name);
  }

  async disable(name: string): Promise<PluginInfo> {
    this.require(name);
    await this.options.store.put(`${ENABLED}${name}`, false);
    await this.deactivate(name);
    return this.info(name);
  }

  async stopAll(): Promise<void> {
    for (const name of [...this.plugins.keys()].reverse()) await this.deactivate(name);
  }

  private info(name: string): PluginInfo {
    const info = this.list().find((entry) => entry.name === name);
    if (!info) throw new UnknownPluginError(name);
    return info;
  }

  private require(name: string): Loaded {
    const loaded = this.plugins.get(name);
    if (!loaded) throw new UnknownPluginError(name);
    return loaded;
  }

  private async activateUnlessDisabled(name: string): Promise<void> {
    const enabled = await this.options.store.get(`${ENABLED}${name}`);
    if (enabled !== false) await this.activate(name);
  }

  private namespace(name: string) {
    const namespace = this.options.io?.of(`/plugins/${name}`);
    if (namespace && this.options.socketAccess && !this.guardedNamespaces.has(name)) {
      namespace.use(this.options.socketAccess);
      this.guardedNamespaces.add(name);
    }
    return namespace;
  }

  private async activate(name: string): Promise<void> {
    const loaded = this.require(name);
    const { manifest, dir } = loaded.plugin;
    const logger = this.options.logger.child({ plugin: name });
    loaded.status = 'activating';
    loaded.error = undefined;
    const app = createHttpApp({ logger });
    const context: PluginContext = {
      name,
      config: { ...(manifest.config ?? {}), ...(this.options.config?.[name] ?? {}) },
      logger,
      http: app,
      store: this.options.store.namespace('data').namespace(name),
      io: this.namespace(name),
      masterUrl: this.masterUrl,
      host: this.options.host,
      scheduler: (options = {}) =>
        new SchedulerClient({
          logger: logger.child({ component: 'scheduler-client' }),
          ...options,
          transport: this.options.transport(),
        }),
      fetch: pluginFetch(name, () => this.masterUrl, this.options.credentials),
      taskCallback: (request) => this.taskCallback(name, request),
      artifacts: this.options.artifacts.view(name),
      subscriptions: [],
    };
    loaded.context = context;
    loaded.app = app;
    try {
      const url = pathToFileURL(join(dir, manifest.entry));
      // ESM caches a module by its URL: an upgraded plugin's new files need a new one.
      if (loaded.generation > 0) url.searchParams.set('generation', String(loaded.generation));
      const module = (await import(url.href)) as Partial<PluginModule>;
      if (typeof module.activate !== 'function') {
        throw new Error(`its entry ${manifest.entry} does not export an activate() function`);
      }
      loaded.module = module as PluginModule;
      await this.options.artifacts.serveDeclared(name, dir, manifest.artifacts);
      await module.activate(context);
      await app.listen({ host: '127.0.0.1', port: this.options.ports?.[name] ?? 0 });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      loaded.url = `http://127.0.0.1:${port}`;
      loaded.status = 'active';
      logger.info({ url: loaded.url }, 'plugin active');
    } catch (err) {
      loaded.status = 'failed';
      loaded.error = (err as Error).message;
      logger.error({ err }, 'plugin failed to activate; the daemon keeps running without it');
      await this.release(loaded);
    }
  }

  private async taskCallback(name: string, request: TaskCallbackRequest): Promise<TaskCallback> {
    const path = request.path.startsWith('/') ? request.path : `/${request.path}`;
    if (this.options.standalone) {
      // Its own port asks for no credentials: only the URL is needed.
      const base = this.plugins.get(name)?.url;
      if (base === undefined) throw new PluginNotServingError(name);
      return { url: `${base}${path}` };
    }
    const scoped = `/service/${name}${path}`;
    const master = reachableMaster(this.masterUrl).href.replace(/\/$/, '');
    const token = await this.options.credentials?.scopedToken?.(
      name,
      { method: request.method, path: scoped },
      request.lifetimeSeconds,
    );
    return { url: `${master}${scoped}`, ...(token === undefined ? {} : { token }) };
  }

  private async deactivate(name: string): Promise<void> {
    const loaded = this.plugins.get(name);
    if (!loaded || (loaded.status !== 'active' && loaded.status !== 'failed')) {
      if (loaded && loaded.status !== 'activating') loaded.status = 'disabled';
      return;
    }
    try {
      await loaded.module?.deactivate?.();
    } catch (err) {
      this.options.logger.error({ err, plugin: name }, 'plugin deactivate failed');
    }
    await this.release(loaded);
    loaded.status = 'disabled';
  }

  /** Disposes what the plugin registered, last first, then closes its HTTP scope and store view. */
  private async release(loaded: Loaded): Promise<void> {
    const context = loaded.context;
    for (const disposable of (context?.subscriptions ?? []).splice(0).reverse()) {
      try {
        await disposable.dispose();
      } catch (err) {
        this.options.logger.error(
          { err, plugin: context?.name },
          'a plugin resource failed to dispose',
        );
      }
    }
    context?.io?.disconnectSockets(true);
    if (context) this.options.artifacts.forget(context.name);
    await loaded.app?.close().catch(() => undefined);
    await context?.store.close().catch(() => undefined);
    loaded.app = undefined;
    loaded.url = undefined;
    loaded.context = undefined;
    loaded.module = undefined;
  }
}
