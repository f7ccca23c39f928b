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
import type { Store } from '../store/store.js';
import type { BrokenPlugin, DiscoveredPlugin } from './discovery.js';
import type { PluginContext, PluginModule } from './plugin-api.js';

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
}

interface Loaded {
  plugin: DiscoveredPlugin;
  status: PluginStatus;
  error?: string | undefined;
  module?: PluginModule | undefined;
  context?: PluginContext | undefined;
  app?: MesoliteServer | undefined;
  url?: string | undefined;
}

const ENABLED = 'enabled/';

export class PluginHost {
  private readonly plugins = new Map<string, Loaded>();
  private readonly broken: BrokenPlugin[] = [];
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
      this.plugins.set(name, { plugin, status: 'disabled' });
      const enabled = await this.options.store.get(`${ENABLED}${name}`);
      if (enabled !== false) await this.activate(name);
    }
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
      io: this.options.io?.of(`/plugins/${name}`),
      masterUrl: this.masterUrl,
      host: this.options.host,
      scheduler: (options = {}) =>
        new SchedulerClient({
          logger: logger.child({ component: 'scheduler-client' }),
          ...options,
          transport: this.options.transport(),
        }),
      subscriptions: [],
    };
    loaded.context = context;
    loaded.app = app;
    try {
      const module = (await import(
        pathToFileURL(join(dir, manifest.entry)).href
      )) as Partial<PluginModule>;
      if (typeof module.activate !== 'function') {
        throw new Error(`its entry ${manifest.entry} does not export an activate() function`);
      }
      loaded.module = module as PluginModule;
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
    await loaded.app?.close().catch(() => undefined);
    await context?.store.close().catch(() => undefined);
    loaded.app = undefined;
    loaded.url = undefined;
    loaded.context = undefined;
    loaded.module = undefined;
  }
}
