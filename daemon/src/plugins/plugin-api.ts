/**
 * The plugin API: everything a mesolite plugin sees. A plugin is an npm package whose
 * package.json has a `mesolite` manifest; its entry module exports `activate` (and
 * optionally `deactivate`). At activation it gets a PluginContext and nothing else:
 * no handle on the master, only the v1 scheduler API every framework uses, its own
 * HTTP scope, store namespace, socket.io namespace, logger and config. Whatever it
 * registers in `subscriptions` the host disposes when the plugin stops.
 *
 * @example
 * export async function activate(context: PluginContext) {
 *   context.http.get('/hello', async () => ({ hello: context.config.greeting }));
 *   const scheduler = context.scheduler();
 *   await scheduler.subscribe({ user: 'root', name: context.name });
 *   context.subscriptions.push({ dispose: () => scheduler.close() });
 * }
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Namespace } from 'socket.io';
import type { SchedulerClient, SchedulerClientOptions } from '../scheduler/client.js';
import type { Store } from '../store/store.js';

/** The plugin API's version; a plugin whose manifest names another major is refused. */
export const PLUGIN_API_VERSION = '1.0.0';

export interface Disposable {
  dispose(): void | Promise<void>;
}

export interface PluginContext {
  /** The plugin's name from its manifest, also its framework name and URL segment. */
  readonly name: string;
  /** The manifest's default config, overlaid with what the operator configured. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /**
   * The plugin's own HTTP scope. Inside the daemon it is served at /service/<name>/, as
   * DC/OS served /service/marathon/; standalone it is served at the root of the port the
   * plugin was started with. Register routes before activate resolves.
   */
  readonly http: FastifyInstance;
  /** A store namespace only this plugin sees, surviving restarts. */
  readonly store: Store;
  /** A socket.io namespace (`/plugins/<name>`) for live updates to the UI, when served by a daemon. */
  readonly io: Namespace | undefined;
  /** The master the plugin's framework talks to (for links and logs). */
  readonly masterUrl: string;
  /** The address the daemon listens on, where a plugin opens ports of its own (service ports). */
  readonly host: string;
  /** Creates a scheduler client on the right transport: in-process in the daemon, HTTP otherwise. */
  scheduler(options?: Omit<SchedulerClientOptions, 'transport'>): SchedulerClient;
  /** Disposed, last first, when the plugin is deactivated. */
  readonly subscriptions: Disposable[];
}

export interface PluginModule {
  activate(context: PluginContext): void | Promise<void>;
  deactivate?(): void | Promise<void>;
}
