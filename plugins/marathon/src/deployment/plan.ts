import { randomUUID } from 'node:crypto';
import { assertAcyclic, dependencyGraph, longestChains, reversed } from './dependency-graph.js';
import { type DeployableApp, type RootState, sameDefinition } from './model.js';

/** The action names /v2/deployments shows for apps (pods are not deployed by mesolite). */
export type DeploymentActionName =
  | 'StartApplication'
  | 'ScaleApplication'
  | 'RestartApplication'
  | 'StopApplication';

/**
 * One thing a step does to one app. As in Marathon, StartApplication only makes a new app
 * known, with no instances; the ScaleApplication that follows it in a later step launches
 * them. StopApplication carries the app as it was, the others the app as it will be.
 */
export type DeploymentAction<A extends DeployableApp = DeployableApp> =
  | { readonly action: 'StartApplication'; readonly app: A }
  | {
      readonly action: 'ScaleApplication';
      readonly app: A;
      readonly scaleTo: number;
      /** Instances the user asked to kill while scaling down; they go first. */
      readonly sentencedToDeath: readonly string[];
    }
  | { readonly action: 'RestartApplication'; readonly app: A }
  | { readonly action: 'StopApplication'; readonly app: A };

/** Actions that may run at the same time; a step starts when the one before it is done. */
export interface DeploymentStep<A extends DeployableApp = DeployableApp> {
  readonly actions: readonly DeploymentAction<A>[];
}

/** Marathon's DeploymentPlan: the steps that take the apps from `original` to `target`. */
export interface DeploymentPlan<A extends DeployableApp = DeployableApp> {
  /** A UUID, not a path. */
  readonly id: string;
  /** When the plan was made, ISO-8601 with milliseconds, as Marathon writes timestamps. */
  readonly version: string;
  readonly original: RootState<A>;
  readonly target: RootState<A>;
  /** Never holds an empty step. */
  readonly steps: readonly DeploymentStep<A>[];
}

export interface PlanOptions {
  /** Epoch milliseconds; the plan's version is this instant. */
  readonly now: () => number;
  /** A fresh deployment id; a random UUID when absent. */
  readonly newId?: () => string;
  /**
   * Instances to kill first when scaling an app down, by app id: what
   * DELETE /v2/apps/{id}/tasks/{taskId}?scale=true asks for.
   */
  readonly toKill?: ReadonlyMap<string, readonly string[]>;
}

function byId<A extends DeployableApp>(a: DeploymentAction<A>, b: DeploymentAction<A>): number {
  return a.app.id < b.app.id ? -1 : a.app.id > b.app.id ? 1 : 0;
}

/** Groups ids into layers by their length in `chains`, shortest first. */
function layers(ids: Iterable<string>, chains: ReadonlyMap<string, number>): string[][] {
  const byLength = new Map<number, string[]>();
  for (const id of ids) {
    const length = chains.get(id) ?? 1;
    const layer = byLength.get(length) ?? [];
    layer.push(id);
    byLength.set(length, layer);
  }
  return [...byLength.entries()].sort(([a], [b]) => a - b).map(([, layer]) => layer);
}

/**
 * What a changed or new app needs, as Marathon's dependencyOrderedSteps decides it: a new
 * app, a change of `instances` alone, or any change to zero instances is a scale; a new
 * config (or a requested restart) is a restart; anything else needs no action.
 */
function actionFor<A extends DeployableApp>(
  before: A | undefined,
  after: A,
  toKill: readonly string[],
): DeploymentAction<A> | undefined {
  if (before === undefined) {
    return {
      action: 'ScaleApplication',
      app: after,
      scaleTo: after.instances,
      sentencedToDeath: [],
    };
  }
  const configChanged = before.lastConfigChangeAt !== after.lastConfigChangeAt;
  if ((!configChanged && before.instances !== after.instances) || after.instances === 0) {
    return {
      action: 'ScaleApplication',
      app: after,
      scaleTo: after.instances,
      sentencedToDeath: toKill,
    };
  }
  if (configChanged) {
    return { action: 'RestartApplication', app: after };
  }
  return undefined;
}

/**
 * Computes the plan that takes the apps from `original` to `target`, step by step as
 * Marathon orders them:
 *
 * 1. Stop the apps that are gone. Marathon's docs say dependents stop before what they
 *    depend on ("app is removed first and then db"), so stops come in layers, those no
 *    other app depends on first; Marathon's own code stops them all in one step.
 * 2. Start the new apps, with no instances yet, all in one step.
 * 3. Scale or restart every new or changed app, in layers of the target's dependency
 *    graph: an app comes after everything it depends on, and apps that are equally deep
 *    share a step.
 *
 * @throws {DependencyCycleError} when the apps depend on each other in a circle.
 */
export function computeDeploymentPlan<A extends DeployableApp>(
  original: RootState<A>,
  target: RootState<A>,
  options: PlanOptions,
): DeploymentPlan<A> {
  const targetGraph = dependencyGraph(target);
  assertAcyclic(targetGraph);
  const originalGraph = dependencyGraph(original);
  // An accepted original never has a circle; checking keeps the layering below finite.
  assertAcyclic(originalGraph);

  const steps: DeploymentStep<A>[] = [];

  const removed = [...original.apps.keys()].filter((id) => !target.apps.has(id));
  for (const layer of layers(removed, longestChains(reversed(originalGraph)))) {
    const actions: DeploymentAction<A>[] = [];
    for (const id of layer) {
      const app = original.apps.get(id);
      if (app !== undefined) {
        actions.push({ action: 'StopApplication', app });
      }
    }
    steps.push({ actions: actions.sort(byId) });
  }

  const added = [...target.apps.values()].filter((app) => !original.apps.has(app.id));
  steps.push({
    actions: added
      .map((app): DeploymentAction<A> => ({ action: 'StartApplication', app }))
      .sort(byId),
  });

  const changed = [...target.apps.values()]
    .filter((app) => {
      const before = original.apps.get(app.id);
      return before === undefined || !sameDefinition(before, app);
    })
    .map((app) => app.id);
  for (const layer of layers(changed, longestChains(targetGraph))) {
    const actions: DeploymentAction<A>[] = [];
    for (const id of layer) {
      const after = target.apps.get(id);
      if (after === undefined) {
        continue;
      }
      const action = actionFor(original.apps.get(id), after, options.toKill?.get(id) ?? []);
      if (action !== undefined) {
        actions.push(action);
      }
    }
    steps.push({ actions: actions.sort(byId) });
  }

  return {
    id: (options.newId ?? randomUUID)(),
    version: new Date(options.now()).toISOString(),
    original,
    target,
    steps: steps.filter((step) => step.actions.length > 0),
  };
}

/** The ids of the apps that any action of the plan touches, sorted. */
export function affectedAppIds(plan: DeploymentPlan): string[] {
  const ids = new Set<string>();
  for (const step of plan.steps) {
    for (const action of step.actions) {
      ids.add(action.app.id);
    }
  }
  return [...ids].sort();
}
