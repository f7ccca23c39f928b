import { DeploymentConflictError } from './errors.js';
import { affectedAppIds, type DeploymentPlan } from './plan.js';

/**
 * The running deployments that touch an app the new plan touches. Marathon lets one
 * deployment at a time change an app; groups are not locked.
 */
export function conflictingDeployments<P extends DeploymentPlan>(
  plan: DeploymentPlan,
  running: readonly P[],
): P[] {
  const touched = new Set(affectedAppIds(plan));
  return running.filter(
    (other) => other.id !== plan.id && affectedAppIds(other).some((id) => touched.has(id)),
  );
}

/** What to do to start a plan: which running deployments to cancel first. */
export interface Admission<P extends DeploymentPlan> {
  readonly cancel: readonly P[];
}

/**
 * Decides whether a new plan may start next to the running deployments. Without `force`,
 * a conflict is refused with Marathon's 409; with it, the conflicting deployments are to
 * be cancelled (leaving their apps as they are at that moment), as Marathon does.
 *
 * @throws {DeploymentConflictError} on a conflict without `force`.
 */
export function admitDeployment<P extends DeploymentPlan>(
  plan: DeploymentPlan,
  running: readonly P[],
  options: { readonly force: boolean },
): Admission<P> {
  const conflicts = conflictingDeployments(plan, running);
  if (conflicts.length > 0 && !options.force) {
    throw new DeploymentConflictError(conflicts.map((conflict) => conflict.id));
  }
  return { cancel: conflicts };
}
