import { affectedAppIds, type DeploymentActionName, type DeploymentPlan } from './plan.js';

/** A readiness check result as /v2/deployments lists it under `currentActions`. */
export interface ReadinessCheckResultJson {
  readonly name: string;
  readonly taskId: string;
  readonly ready: boolean;
  readonly lastResponse?: {
    readonly status: number;
    readonly contentType: string;
    readonly body: string;
  };
}

export interface DeploymentActionJson {
  readonly action: DeploymentActionName;
  readonly app: string;
}

export interface DeploymentStepJson {
  readonly actions: readonly DeploymentActionJson[];
}

export interface CurrentActionJson extends DeploymentActionJson {
  readonly readinessCheckResults: readonly ReadinessCheckResultJson[];
}

/** One element of GET /v2/deployments (Marathon's DeploymentStepInfo). */
export interface DeploymentInfoJson {
  readonly id: string;
  readonly version: string;
  readonly affectedApps: readonly string[];
  readonly affectedPods: readonly string[];
  readonly steps: readonly DeploymentStepJson[];
  readonly currentActions: readonly CurrentActionJson[];
  readonly currentStep: number;
  readonly totalSteps: number;
}

/** The body of an answer that started a deployment (Marathon's DeploymentResult). */
export interface DeploymentResultJson {
  readonly deploymentId: string;
  readonly version: string;
}

/** The plan's steps as Marathon writes them. */
export function stepsJson(plan: DeploymentPlan): DeploymentStepJson[] {
  return plan.steps.map((step) => ({
    actions: step.actions.map((action) => ({ action: action.action, app: action.app.id })),
  }));
}

/**
 * A running deployment as GET /v2/deployments shows it. `currentStep` counts from 1;
 * 0 means the deployment is stored but its first step has not begun, when Marathon
 * shows no current actions.
 */
export function deploymentInfoJson(
  plan: DeploymentPlan,
  currentStep: number,
  readinessByApp: ReadonlyMap<string, readonly ReadinessCheckResultJson[]> = new Map(),
): DeploymentInfoJson {
  const current = currentStep >= 1 ? plan.steps[currentStep - 1] : undefined;
  return {
    id: plan.id,
    version: plan.version,
    affectedApps: affectedAppIds(plan),
    affectedPods: [],
    steps: stepsJson(plan),
    currentActions: (current?.actions ?? []).map((action) => ({
      action: action.action,
      app: action.app.id,
      readinessCheckResults: readinessByApp.get(action.app.id) ?? [],
    })),
    currentStep,
    totalSteps: plan.steps.length,
  };
}

/** The answer to a request that started the plan: `{deploymentId, version}`. */
export function deploymentResultJson(plan: DeploymentPlan): DeploymentResultJson {
  return { deploymentId: plan.id, version: plan.version };
}
