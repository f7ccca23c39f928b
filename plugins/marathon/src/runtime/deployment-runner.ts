/**
 * Carries out deployment plans: the current step's actions decide launches and kills
 * for their apps (deployment/action-decision), a step ends when all its actions are
 * done, and the deployment ends after its last step. Plans are stored, so a restarted
 * plugin resumes them where they were.
 */
import type { Logger } from 'pino';
import {
  type ActionDecision,
  admitDeployment,
  type DeploymentInfoJson,
  type DeploymentPlan,
  decideAction,
  deploymentInfoJson,
  type InstanceView,
  isStepDone,
} from '../deployment/index.js';
import type { MarathonStore } from '../state/marathon-store.js';

export interface RunnerEvents<P extends DeploymentPlan> {
  started(plan: P): void;
  stepSucceeded(plan: P, step: number): void;
  succeeded(plan: P): void;
  failed(plan: P, reason: string): void;
}

interface Running<P extends DeploymentPlan> {
  plan: P;
  /** 1-based, as /v2/deployments counts steps. */
  currentStep: number;
}

export class DeploymentRunner<P extends DeploymentPlan> {
  private readonly running = new Map<string, Running<P>>();

  constructor(
    private readonly store: MarathonStore,
    private readonly events: RunnerEvents<P>,
    private readonly logger: Logger,
    private readonly serialize: (plan: P, currentStep: number) => { id: string },
  ) {}

  plans(): P[] {
    return [...this.running.values()].map((entry) => entry.plan);
  }

  info(): DeploymentInfoJson[] {
    return [...this.running.values()].map((entry) =>
      deploymentInfoJson(entry.plan, entry.currentStep),
    );
  }

  get(id: string): P | undefined {
    return this.running.get(id)?.plan;
  }

  /**
   * Starts a plan; refuses it with Marathon's 409 when it touches apps another
   * deployment is changing, unless forced, which cancels those deployments.
   */
  async start(plan: P, force: boolean): Promise<void> {
    const admission = admitDeployment(plan, this.plans(), { force });
    for (const cancelled of admission.cancel)
      await this.cancel(cancelled.id, 'cancelled by a forced deployment');
    if (plan.steps.length === 0) {
      this.events.succeeded(plan);
      return;
    }
    this.running.set(plan.id, { plan, currentStep: 1 });
    await this.store.putDeployment(this.serialize(plan, 1));
    this.events.started(plan);
  }

  /** Resumes a plan read back from the store after a restart. */
  resume(plan: P, currentStep: number): void {
    this.running.set(plan.id, { plan, currentStep: Math.max(1, currentStep) });
  }

  /** Stops a deployment where it is (its apps stay as they are now). */
  async cancel(id: string, reason: string): Promise<P | undefined> {
    const entry = this.running.get(id);
    if (!entry) return undefined;
    this.running.delete(id);
    await this.store.removeDeployment(id);
    this.events.failed(entry.plan, reason);
    return entry.plan;
  }

  /** The current decision for an app, if a running deployment is changing it now. */
  decisionFor(
    appId: string,
    instances: readonly InstanceView[],
    now: number,
  ): ActionDecision | undefined {
    for (const entry of this.running.values()) {
      const step = entry.plan.steps[entry.currentStep - 1];
      const action = step?.actions.find((candidate) => candidate.app.id === appId);
      if (action) return decideAction(action, instances, now);
    }
    return undefined;
  }

  /** Moves every deployment whose current step is done to its next step, or ends it. */
  async advance(
    instancesByApp: ReadonlyMap<string, readonly InstanceView[]>,
    now: number,
  ): Promise<void> {
    for (const entry of [...this.running.values()]) {
      let moved = false;
      while (entry.currentStep <= entry.plan.steps.length) {
        const step = entry.plan.steps[entry.currentStep - 1];
        if (!step || !isStepDone(step, instancesByApp, now)) break;
        this.events.stepSucceeded(entry.plan, entry.currentStep);
        entry.currentStep++;
        moved = true;
      }
      if (entry.currentStep > entry.plan.steps.length) {
        this.running.delete(entry.plan.id);
        await this.store.removeDeployment(entry.plan.id);
        this.logger.info({ deploymentId: entry.plan.id }, 'deployment succeeded');
        this.events.succeeded(entry.plan);
      } else if (moved) {
        await this.store.putDeployment(this.serialize(entry.plan, entry.currentStep));
      }
    }
  }
}
