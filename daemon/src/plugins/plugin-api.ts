/**
 * The plugin API: everything a mesolite plugin sees. A plugin is an npm package whose
 * package.json has a `mesolite` manifest; its entry module exports `activate` (and
 * optionally `deactivate`). At activation it gets a PluginContext and nothing else:
 * no handle on the master, only the v1 scheduler API every framework uses, the
 * master's HTTP API as its own service account (`fetch`), its own HTTP scope, store
 * namespace, socket.io namespace, logger and config. Whatever it
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

/** A file the master serves to the agents that run the plugin's tasks. */
export interface PluginArtifact {
  /** Its name, also the name the fetcher gives its copy in the task's sandbox. */
  readonly name: string;
  /**
   * Where agents fetch it: put it in the task's CommandInfo.uris. The content hash in it
   * gives each version its own URI, so `cache: true` is always safe.
   */
  readonly uri: string;
  /** Hex SHA-256 of its content. */
  readonly sha256: string;
  readonly size: number;
}

/**
 * Whatever a plugin's tasks need on an agent, served by the master through the fetcher,
 * so that an agent needs nothing but mesolite.
 *
 * @example
 * const runner = context.artifacts.get('runner.js'); // declared in the manifest's "artifacts"
 * const command = {
 *   value: '"$MESOLITE_NODE" "$MESOS_SANDBOX/runner.js"',
 *   uris: [{ value: runner.uri, executable: true, cache: true }],
 * };
 */
export interface PluginArtifacts {
  /**
   * An artifact the manifest declares (`"artifacts": {"runner.js": "dist/runner.js"}`).
   * @throws {UndeclaredArtifactError} for a name the plugin neither declared nor served.
   */
  get(name: string): PluginArtifact;
  /**
   * Serves a file made at run time under `name` (letters, digits, '.', '_', '-'), or
   * serves a new version of it. Call it again when the file changes: a URI handed out
   * earlier names the content it had then, and stops being served once that is gone.
   */
  serve(name: string, absolutePath: string): Promise<PluginArtifact>;
}

/** What a task will call back on the plugin's own HTTP scope. */
export interface TaskCallbackRequest {
  /** The method the task will use. */
  readonly method: string;
  /** The path under the plugin's scope, escaped as it will be sent: `/scheduler/task/ct%3A…`. */
  readonly path: string;
  /** How long its token stays good: no longer than the task may take to call. */
  readonly lifetimeSeconds: number;
}

/** Where a task reaches the plugin, and the credential it needs there. */
export interface TaskCallback {
  /** The full URL to call. */
  readonly url: string;
  /**
   * For `Authorization: token=<token>`, good for that method on that path only and
   * refused (403) anywhere else; absent when the master asks for no credentials.
   */
  readonly token?: string | undefined;
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
  /** The master the plugin's framework talks to (for links and logs; call it with `fetch`). */
  readonly masterUrl: string;
  /** The address the daemon listens on, where a plugin opens ports of its own (service ports). */
  readonly host: string;
  /** Creates a scheduler client on the right transport: in-process in the daemon, HTTP otherwise. */
  scheduler(options?: Omit<SchedulerClientOptions, 'transport'>): SchedulerClient;
  /**
   * Calls the master's HTTP API, or another plugin's under /service/, as this plugin:
   * in the daemon with a short-lived token of the service account `plugin:<name>`,
   * renewed as it runs out; standalone with the principal and secret it was started
   * with; trusting the cluster's CA either way. A path is resolved under the master's
   * URL; a full URL must be on the master, since the credential goes nowhere else.
   *
   * @example
   * const response = await context.fetch('/master/state');
   * const { frameworks } = await response.json();
   */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /**
   * Where a task calls this plugin back, such as Chronos's async callback, and a token
   * good for that one request, which the task gets in its environment.
   *
   * @example
   * const callback = await context.taskCallback({
   *   method: 'PUT', path: `/scheduler/task/${encodeURIComponent(taskId)}`, lifetimeSeconds: 3600,
   * });
   * variables.push({ name: 'MESOLITE_CALLBACK_URL', value: callback.url });
   * if (callback.token) variables.push({ name: 'MESOLITE_CALLBACK_TOKEN', value: callback.token });
   */
  taskCallback(request: TaskCallbackRequest): Promise<TaskCallback>;
  /** Files its tasks fetch from the master (`CommandInfo.uris`). */
  readonly artifacts: PluginArtifacts;
  /** Disposed, last first, when the plugin is deactivated. */
  readonly subscriptions: Disposable[];
}

export interface PluginModule {
  activate(context: PluginContext): void | Promise<void>;
  deactivate?(): void | Promise<void>;
}
