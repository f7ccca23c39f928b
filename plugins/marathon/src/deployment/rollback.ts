import { type DeployableApp, type RootState, sameDefinition } from './model.js';
import { computeDeploymentPlan, type DeploymentPlan, type PlanOptions } from './plan.js';

function withoutAll(values: Iterable<string>, removed: Iterable<string>): Set<string> {
  const result = new Set(values);
  for (const value of removed) {
    result.delete(value);
  }
  return result;
}

/**
 * The apps as they should be once the plan's changes are undone, applied to the current
 * state (Marathon's DeploymentPlanReverter). Only this deployment's own changes are
 * reverted: an app it changed gets its original definition back, an app it added goes,
 * an app it removed returns; dependencies it added to groups are taken off and those it
 * removed put back. Changes other deployments made meanwhile stay.
 */
export function revertedState<A extends DeployableApp>(
  plan: DeploymentPlan<A>,
  current: RootState<A>,
): RootState<A> {
  const { original, target } = plan;
  const apps = new Map(current.apps);
  for (const id of new Set([...original.apps.keys(), ...target.apps.keys()])) {
    const before = original.apps.get(id);
    const after = target.apps.get(id);
    if (before !== undefined && after !== undefined && sameDefinition(before, after)) {
      continue;
    }
    if (before !== undefined) {
      apps.set(id, before);
    } else {
      apps.delete(id);
    }
  }

  const groupDependencies = new Map(current.groupDependencies ?? []);
  const groupIds = new Set([
    ...(original.groupDependencies?.keys() ?? []),
    ...(target.groupDependencies?.keys() ?? []),
  ]);
  for (const groupId of groupIds) {
    const before = original.groupDependencies?.get(groupId) ?? [];
    const after = target.groupDependencies?.get(groupId) ?? [];
    const removedByPlan = withoutAll(before, after);
    const addedByPlan = withoutAll(after, before);
    const reverted = withoutAll(
      [...(groupDependencies.get(groupId) ?? []), ...removedByPlan],
      addedByPlan,
    );
    if (reverted.size > 0) {
      groupDependencies.set(groupId, [...reverted]);
    } else {
      groupDependencies.delete(groupId);
    }
  }

  return groupDependencies.size > 0 ? { apps, groupDependencies } : { apps };
}

/**
 * The plan that DELETE /v2/deployments/{id} starts: from the current state back to the
 * deployment's original, as far as this deployment changed it. Marathon starts it with
 * `force`, cancelling the deployment it reverts.
 *
 * @throws {DependencyCycleError} should the reverted apps depend on each other in a
 *   circle, which can only happen when other deployments changed them meanwhile.
 */
export function rollbackPlan<A extends DeployableApp>(
  plan: DeploymentPlan<A>,
  current: RootState<A>,
  options: PlanOptions,
): DeploymentPlan<A> {
  return computeDeploymentPlan(current, revertedState(plan, current), options);
}
