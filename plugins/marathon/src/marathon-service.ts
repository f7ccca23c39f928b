/**
 * What Marathon's REST API does, apart from HTTP: every change to the apps is stored
 * first, then turned into a deployment plan that the runtime carries out. The routes
 * (api/) only translate requests and answers.
 */
import type { Logger } from 'pino';
import {
  computeDeploymentPlan,
  type DeployableApp,
  type DeploymentAction,
  type DeploymentPlan,
  deploymentInfoJson,
  rollbackPlan,
  rootState,
} from './deployment/index.js';
import { parsePathId } from './path-id.js';
import type { DeploymentRunner } from './runtime/deployment-runner.js';
import type { MarathonRuntime } from './runtime/marathon-runtime.js';
import { assignServicePorts } from './service-ports/service-port-allocator.js';
import type { Instance } from './state/instance.js';
import type { MarathonStore } from './state/marathon-store.js';

/** How the service reads, writes and versions app definitions; the app module provides it. */
export interface AppModule<A> {
  /**
   * Validates an app definition (Marathon's rules and defaults); throws a 422 error with
   * Marathon's body. `base` is the group relative ids are read against.
   */
  parse(json: unknown, options: { id?: string | undefined; base?: string | undefined }): A;
  /** Applies a partial update (PUT without partialUpdate=false) to a stored app. */
  patch(current: A, json: unknown): A;
  toJson(app: A): Record<string, unknown>;
  id(app: A): string;
  deployable(app: A): DeployableApp;
  /** The app stamped with a new version; a config change also moves lastConfigChangeAt. */
  stamp(app: A, version: string, configChanged: boolean, previous: A | undefined): A;
  withInstances(app: A, instances: number): A;
  /** The app's service ports, in port order (0 = not assigned yet). */
  servicePorts(app: A): number[];
  withServicePorts(app: A, ports: readonly number[]): A;
}

/** A deployment's plan over full app definitions. */
export type AppPlan<A> = DeploymentPlan<DeployableApp & { readonly definition: A }>;

export class MarathonApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? `HTTP ${statusCode}`));
  }
}

/** Reads a group or dependency id against its parent group, with Marathon's PathId rules. */
function absolute(id: string, parent: string): string {
  try {
    const base = parsePathId(parent, { allowRoot: true });
    return parsePathId(id, { base, allowRoot: true }).toString();
  } catch (err) {
    throw new MarathonApiError(422, {
      message: 'Object is not valid',
      details: [{ path: '/id', errors: [(err as Error).message] }],
    });
  }
}

export function appNotFound(id: string): MarathonApiError {
  return new MarathonApiError(404, { message: `App '${id}' does not exist` });
}

export class MarathonService<A> {
  constructor(
    readonly apps: AppModule<A>,
    readonly runtime: MarathonRuntime<A>,
    readonly deployments: DeploymentRunner<AppPlan<A>>,
    private readonly store: MarathonStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  list(): A[] {
    return [...this.runtime.apps.values()].sort((a, b) =>
      this.apps.id(a) < this.apps.id(b) ? -1 : 1,
    );
  }

  get(id: string): A {
    const app = this.runtime.apps.get(id);
    if (!app) throw appNotFound(id);
    return app;
  }

  instancesOf(id: string): Instance[] {
    return this.runtime.instancesOf(id);
  }

  private planApp(app: A): DeployableApp & { readonly definition: A } {
    return { ...this.apps.deployable(app), definition: app };
  }

  /** Group id → what the group depends on (POST /v2/groups `dependencies`). */
  readonly groupDependencies = new Map<string, string[]>();

  private state(
    apps: Iterable<A>,
    groups: ReadonlyMap<string, readonly string[]> = this.groupDependencies,
  ) {
    return rootState(
      [...apps].map((app) => this.planApp(app)),
      groups,
    );
  }

  /**
   * Replaces the given apps' definitions (and removes those in `remove`), stores them,
   * and starts the deployment that gets there. Nothing changes if the plan is refused.
   */
  async change(
    requested: readonly A[],
    remove: readonly string[],
    options: {
      force: boolean;
      toKill?: ReadonlyMap<string, readonly string[]>;
      groups?: ReadonlyMap<string, readonly string[]>;
    },
    at?: string,
  ): Promise<AppPlan<A>> {
    let updates = requested;
    const current = new Map(this.runtime.apps);
    const target = new Map(current);
    for (const id of remove) target.delete(id);
    // Service ports of 0 get one from Marathon's range, keeping what an app had before.
    const assigned: A[] = [];
    for (const update of updates) {
      const id = this.apps.id(update);
      const inUse = [...target.values()]
        .filter((other) => this.apps.id(other) !== id)
        .flatMap((other) => this.apps.servicePorts(other));
      const previous = current.get(id);
      const ports = assignServicePorts({
        requested: this.apps.servicePorts(update),
        ...(previous ? { previous: this.apps.servicePorts(previous) } : {}),
        inUse,
      });
      const app = this.apps.withServicePorts(update, ports);
      assigned.push(app);
      target.set(id, app);
    }
    updates = assigned;
    const targetGroups = options.groups ?? this.groupDependencies;
    const plan = computeDeploymentPlan(
      this.state(current.values()),
      this.state(target.values(), targetGroups),
      {
        // The plan carries the version its change was stamped with, as Marathon's answers do.
        now: at ? () => Date.parse(at) : this.now,
        ...(options.toKill ? { toKill: options.toKill } : {}),
      },
    ) as AppPlan<A>;
    await this.deployments.start(plan, options.force);
    if (options.groups) {
      this.groupDependencies.clear();
      for (const [id, dependencies] of options.groups)
        this.groupDependencies.set(id, [...dependencies]);
      await this.store.putGroups(Object.fromEntries(this.groupDependencies));
    }
    for (const app of updates) {
      await this.store.putApp(this.apps.toJson(app) as { id: string; version: string });
      this.runtime.setApp(app);
    }
    for (const id of remove) {
      await this.store.removeApp(id);
      this.runtime.removeApp(id);
    }
    return plan;
  }

  /** POST /v2/apps */
  async create(json: unknown, force: boolean): Promise<{ app: A; plan: AppPlan<A> }> {
    const parsed = this.apps.parse(json, {});
    const id = this.apps.id(parsed);
    if (this.runtime.apps.has(id)) {
      throw new MarathonApiError(409, { message: `An app with id [${id}] already exists.` });
    }
    const app = this.apps.stamp(parsed, this.newVersion(), true, undefined);
    const plan = await this.change([app], [], { force }, this.apps.deployable(app).version);
    return { app, plan };
  }

  /** PUT /v2/apps/{id}: creates the app if it does not exist, as Marathon does. */
  async put(
    id: string,
    json: unknown,
    options: { force: boolean; partialUpdate: boolean },
  ): Promise<{ app: A; plan: AppPlan<A>; created: boolean }> {
    const current = this.runtime.apps.get(id);
    const parsed =
      current && options.partialUpdate
        ? this.apps.patch(current, json)
        : this.apps.parse(json, { id });
    // Only a change of something other than instances is a config change (a restart).
    const configChanged = !current || this.configDiffers(current, parsed);
    const app = this.apps.stamp(parsed, this.newVersion(), configChanged, current);
    const plan = await this.change(
      [app],
      [],
      { force: options.force },
      this.apps.deployable(app).version,
    );
    return { app, plan, created: !current };
  }

  private configDiffers(a: A, b: A): boolean {
    const strip = (app: A) => {
      const { version: _v, versionInfo: _vi, instances: _i, ...rest } = this.apps.toJson(app);
      return JSON.stringify(rest);
    };
    return strip(a) !== strip(b);
  }

  async scale(id: string, instances: number, force: boolean): Promise<AppPlan<A>> {
    const current = this.get(id);
    const app = this.apps.stamp(
      this.apps.withInstances(current, instances),
      this.newVersion(),
      false,
      current,
    );
    return this.change([app], [], { force }, this.apps.deployable(app).version);
  }

  async restart(id: string, force: boolean): Promise<AppPlan<A>> {
    const current = this.get(id);
    const app = this.apps.stamp(current, this.newVersion(), true, current);
    return this.change([app], [], { force }, this.apps.deployable(app).version);
  }

  async destroy(id: string, force: boolean): Promise<AppPlan<A>> {
    this.get(id);
    return this.change([], [id], { force });
  }

  /** Kills instances; with scale, the app's target shrinks by as many, through a deployment. */
  async killTasks(
    appId: string,
    taskIds: readonly string[],
    options: { scale: boolean; force: boolean },
  ): Promise<{ killed: Instance[]; plan?: AppPlan<A> }> {
    const app = this.get(appId);
    const killed = this.instancesOf(appId).filter((instance) => taskIds.includes(instance.taskId));
    if (options.scale) {
      const instances = Math.max(0, this.apps.deployable(app).instances - killed.length);
      const scaled = this.apps.stamp(
        this.apps.withInstances(app, instances),
        this.newVersion(),
        false,
        app,
      );
      const plan = await this.change([scaled], [], {
        force: options.force,
        toKill: new Map([[appId, killed.map((instance) => instance.taskId)]]),
      });
      return { killed, plan };
    }
    for (const instance of killed) await this.runtime.kill(instance);
    return { killed };
  }

  async versions(id: string): Promise<string[]> {
    this.get(id);
    return this.store.versions(id);
  }

  async version(id: string, version: string): Promise<Record<string, unknown>> {
    this.get(id);
    const stored = await this.store.version<Record<string, unknown>>(id, version);
    if (!stored)
      throw new MarathonApiError(404, {
        message: `App '${id}' does not exist in version ${version}`,
      });
    return stored;
  }

  /** Apps under a group (the root holds every app). */
  appsUnder(groupId: string): A[] {
    const prefix = groupId === '/' ? '/' : `${groupId}/`;
    return this.list().filter((app) => this.apps.id(app).startsWith(prefix));
  }

  /**
   * POST /v2/groups (and PUT without an existing group): every app of the group tree,
   * ids read against their group, in one deployment ordered by the dependencies.
   */
  async createGroup(
    json: unknown,
    options: { force: boolean; id?: string; update: boolean },
  ): Promise<AppPlan<A>> {
    const apps: A[] = [];
    const groups = new Map(this.groupDependencies);
    const visit = (node: unknown, parent: string) => {
      if (!node || typeof node !== 'object') {
        throw new MarathonApiError(422, {
          message: 'Object is not valid',
          details: [{ path: '/', errors: ['A group must be a JSON object'] }],
        });
      }
      const group = node as {
        id?: unknown;
        apps?: unknown;
        groups?: unknown;
        dependencies?: unknown;
      };
      const rawId = typeof group.id === 'string' ? group.id : parent;
      const id = absolute(rawId, parent);
      if (Array.isArray(group.dependencies)) {
        groups.set(
          id,
          group.dependencies.map((dependency) => absolute(String(dependency), id)),
        );
      }
      for (const app of Array.isArray(group.apps) ? group.apps : []) {
        const version = this.newVersion();
        const parsed = this.apps.parse(app, { base: id });
        const previous = this.runtime.apps.get(this.apps.id(parsed));
        if (previous && !options.update) {
          throw new MarathonApiError(409, {
            message: `An app with id [${this.apps.id(parsed)}] already exists.`,
          });
        }
        apps.push(
          this.apps.stamp(
            parsed,
            version,
            !previous || this.configDiffers(previous, parsed),
            previous,
          ),
        );
      }
      for (const child of Array.isArray(group.groups) ? group.groups : []) visit(child, id);
    };
    visit(json, options.id ?? '/');
    return this.change(apps, [], { force: options.force, groups });
  }

  /** DELETE /v2/groups/{id}: every app under it goes. */
  async removeGroup(id: string, force: boolean): Promise<AppPlan<A>> {
    const groups = new Map(
      [...this.groupDependencies].filter(([group]) => group !== id && !group.startsWith(`${id}/`)),
    );
    const removed = this.appsUnder(id).map((app) => this.apps.id(app));
    if (removed.length === 0 && !this.groupDependencies.has(id) && id !== '/') {
      throw new MarathonApiError(404, { message: `Group '${id}' does not exist` });
    }
    return this.change([], removed, { force, groups });
  }

  /**
   * Picks up the deployments a previous run of the plugin had not finished, against the
   * apps as they are stored now (a kill -9 mid-deployment loses nothing).
   */
  resume(
    stored: ReadonlyArray<{
      id: string;
      version: string;
      currentStep: number;
      steps: Array<{ actions: Array<{ action: string; app: string }> }>;
    }>,
  ): void {
    const now = this.state(this.runtime.apps.values());
    for (const record of stored) {
      const steps = record.steps
        .map((step) => ({
          actions: step.actions.flatMap(
            (entry): DeploymentAction<DeployableApp & { readonly definition: A }>[] => {
              const app = now.apps.get(entry.app);
              // An app being stopped is gone from the store: the runtime kills what it left.
              if (!app) return [];
              if (entry.action === 'ScaleApplication') {
                return [
                  {
                    action: 'ScaleApplication' as const,
                    app,
                    scaleTo: app.instances,
                    sentencedToDeath: [],
                  },
                ];
              }
              if (entry.action === 'RestartApplication')
                return [{ action: 'RestartApplication' as const, app }];
              if (entry.action === 'StartApplication')
                return [{ action: 'StartApplication' as const, app }];
              return [];
            },
          ),
        }))
        .filter((step) => step.actions.length > 0);
      if (steps.length === 0) continue;
      const plan = {
        id: record.id,
        version: record.version,
        original: now,
        target: now,
        steps,
      } as AppPlan<A>;
      this.deployments.resume(plan, Math.min(record.currentStep, steps.length));
    }
  }

  deploymentList() {
    return this.deployments.info();
  }

  /** DELETE /v2/deployments/{id}: roll back (or, with force, just stop) a deployment. */
  async cancelDeployment(id: string, force: boolean): Promise<AppPlan<A> | undefined> {
    const plan = this.deployments.get(id);
    if (!plan) throw new MarathonApiError(404, { message: `DeploymentPlan ${id} does not exist` });
    if (force) {
      await this.deployments.cancel(id, 'cancelled');
      return undefined;
    }
    const current = this.state(this.runtime.apps.values());
    const rollback = rollbackPlan(plan, current, { now: this.now }) as AppPlan<A>;
    await this.deployments.cancel(id, 'rolled back');
    const target = [...rollback.target.apps.values()].map((entry) => entry.definition);
    const removed = [...current.apps.keys()].filter((appId) => !rollback.target.apps.has(appId));
    await this.deployments.start(rollback, true);
    for (const app of target) {
      await this.store.putApp(this.apps.toJson(app) as { id: string; version: string });
      this.runtime.setApp(app);
    }
    for (const appId of removed) {
      await this.store.removeApp(appId);
      this.runtime.removeApp(appId);
    }
    this.logger.info({ deploymentId: id, rollbackId: rollback.id }, 'deployment rolled back');
    return rollback;
  }

  deploymentsOf(appId: string) {
    return this.deployments
      .plans()
      .filter((plan) =>
        plan.steps.some((step) => step.actions.some((action) => action.app.id === appId)),
      )
      .map((plan) => ({ id: plan.id }));
  }

  deploymentJson(plan: AppPlan<A>, step: number) {
    return deploymentInfoJson(plan, step);
  }

  /** Marathon's versions are ISO timestamps with milliseconds; never two alike. */
  private lastVersion = 0;
  newVersion(): string {
    const now = Math.max(this.now(), this.lastVersion + 1);
    this.lastVersion = now;
    return new Date(now).toISOString();
  }
}
