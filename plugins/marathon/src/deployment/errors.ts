/**
 * Apps that depend on each other in a circle, so no order can start them. Marathon
 * refuses such a group with 422 and the message in {@link DependencyCycleError.validationMessage};
 * the error's own message adds the circle, which Marathon leaves the user to find.
 */
export class DependencyCycleError extends Error {
  static readonly code = 'MESOLITE_ERR_DEPENDENCY_CYCLE';
  readonly code = DependencyCycleError.code;
  readonly statusCode = 422;
  /** Marathon's wording, for the `errors` of a 422 body where its clients look for it. */
  readonly validationMessage = 'Dependency graph has cyclic dependencies.';
  /** The app ids around the circle, the first repeated at the end: `/a`, `/b`, `/a`. */
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super(
      `Dependency graph has cyclic dependencies: ${cycle.join(' -> ')}. ` +
        'Remove one of these dependencies so the apps can be started in order.',
    );
    this.name = 'DependencyCycleError';
    this.cycle = cycle;
  }
}

/**
 * A deployment that would change an app another running deployment is changing.
 * Marathon answers 409 with this message and the ids of the deployments in the way,
 * unless the request says `force=true`.
 */
export class DeploymentConflictError extends Error {
  static readonly code = 'MESOLITE_ERR_DEPLOYMENT_CONFLICT';
  readonly code = DeploymentConflictError.code;
  readonly statusCode = 409;
  readonly deploymentIds: readonly string[];

  constructor(deploymentIds: readonly string[]) {
    // Marathon's AppLockedException message, word for word: clients match on it.
    super(
      'App is locked by one or more deployments. ' +
        "Override with the option '?force=true'. " +
        "View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
    );
    this.name = 'DeploymentConflictError';
    this.deploymentIds = deploymentIds;
  }

  /** The 409 body as Marathon writes it. */
  toBody(): { message: string; deployments: { id: string }[] } {
    return { message: this.message, deployments: this.deploymentIds.map((id) => ({ id })) };
  }
}
