export {
  type ActionDecision,
  decideAction,
  isStepDone,
} from './action-decision.js';
export { type Admission, admitDeployment, conflictingDeployments } from './conflicts.js';
export {
  assertAcyclic,
  type DependencyGraph,
  dependencyGraph,
  findCycle,
  longestChains,
} from './dependency-graph.js';
export {
  type CurrentActionJson,
  type DeploymentActionJson,
  type DeploymentInfoJson,
  type DeploymentResultJson,
  type DeploymentStepJson,
  deploymentInfoJson,
  deploymentResultJson,
  type ReadinessCheckResultJson,
  stepsJson,
} from './deployment-info.js';
export { DependencyCycleError, DeploymentConflictError } from './errors.js';
export {
  isConsideredHealthy,
  isExpungeDue,
  isInactive,
  isTerminal,
  runsCurrentConfig,
} from './instance-state.js';
export { killOrder } from './kill-selection.js';
export {
  DEFAULT_KILL_SELECTION,
  DEFAULT_UNREACHABLE_STRATEGY,
  type DeployableApp,
  type InstanceState,
  type InstanceView,
  type KillSelection,
  type RootState,
  rootState,
  sameDefinition,
  TERMINAL_STATES,
  type UnreachableStrategy,
  type UpgradeStrategy,
} from './model.js';
export {
  affectedAppIds,
  computeDeploymentPlan,
  type DeploymentAction,
  type DeploymentActionName,
  type DeploymentPlan,
  type DeploymentStep,
  type PlanOptions,
} from './plan.js';
export {
  type ActionProgress,
  type DeploymentProgress,
  deploymentProgress,
  type LaunchBlockers,
  type ProgressInput,
  type StepProgress,
  type StepStatus,
} from './progress.js';
export {
  bucketInstances,
  countedInstances,
  type InstanceBuckets,
  type ReconcileDecision,
  type ReconcileOptions,
  reconcileApp,
} from './reconcile.js';
export {
  nextRestartActions,
  type RestartDecision,
  type RestartLimits,
  restartLimits,
} from './restart.js';
export { revertedState, rollbackPlan } from './rollback.js';
export {
  nextScaleActions,
  nextStopActions,
  type ScaleDecision,
  type StopDecision,
} from './scale.js';
