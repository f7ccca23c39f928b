/**
 * What a running deployment looks like to someone waiting on it, computed from what
 * the API answered in one poll. Pure, so the wording can be tested without a cluster.
 */
import type { AppJson, DeploymentJson, QueueEntryJson } from './marathon-json.js';

/** What the command waits for: the app to reach its new target, or to be gone. */
export type WaitKind = 'deploy' | 'restart' | 'remove';

export interface ProgressSnapshot {
  kind: WaitKind;
  appId: string;
  deploymentId: string;
  /** The app as it is now; absent while removing (the API forgets it at once). */
  app?: AppJson | undefined;
  /** The deployment, while /v2/deployments still lists it. */
  deployment?: DeploymentJson | undefined;
  queue?: QueueEntryJson | undefined;
}

export interface Progress {
  /** 0..1, for the bar; undefined when nothing can be counted (a removal). */
  fraction: number | undefined;
  /** Instances and step, e.g. "1/2 running · step 1/1 StartApplication". */
  summary: string;
  /** Why instances are not launching, from /v2/queue; empty when nothing holds them back. */
  blockers: string[];
}

const hasHealthChecks = (app: AppJson) => (app.healthChecks?.length ?? 0) > 0;

/**
 * Instances that already run the current configuration: a restart replaces every
 * instance, and counting only the new ones is what shows it moving.
 */
function replacedCount(app: AppJson): number {
  const since = app.versionInfo?.lastConfigChangeAt;
  return (app.tasks ?? []).filter(
    (task) =>
      task.state === 'TASK_RUNNING' &&
      // Versions are ISO 8601 timestamps in UTC, so they order as strings.
      (since === undefined || (task.version ?? '') >= since) &&
      (!hasHealthChecks(app) || task.healthCheckResults?.every((result) => result.alive) === true),
  ).length;
}

function stepText(deployment: DeploymentJson | undefined): string | undefined {
  if (!deployment) return undefined;
  const actions = [...new Set(deployment.currentActions.map((entry) => entry.action))];
  const step = `step ${deployment.currentStep}/${deployment.totalSteps}`;
  return actions.length > 0 ? `${step} ${actions.join(', ')}` : step;
}

/** The queue's reasons: each check of the funnel that declined an agent's last offer. */
export function queueBlockers(queue: QueueEntryJson | undefined): string[] {
  if (!queue || queue.count <= 0) return [];
  const blockers: string[] = [];
  if (queue.delay && !queue.delay.overdue && queue.delay.timeLeftSeconds > 0) {
    blockers.push(`launch delayed ${queue.delay.timeLeftSeconds}s (backoff after failures)`);
  }
  for (const step of queue.processedOffersSummary?.rejectSummaryLastOffers ?? []) {
    if (step.declined > 0)
      blockers.push(`${step.reason} (declined ${step.declined}/${step.processed} offers)`);
  }
  return blockers;
}

export function describeProgress(snapshot: ProgressSnapshot): Progress {
  const parts: string[] = [];
  let fraction: number | undefined;
  const { app } = snapshot;
  if (app) {
    const target = app.instances;
    if (snapshot.kind === 'restart') {
      const replaced = replacedCount(app);
      parts.push(`${replaced}/${target} replaced`);
      fraction = target > 0 ? replaced / target : undefined;
    }
    parts.push(`${app.tasksRunning}/${target} running`);
    if (hasHealthChecks(app)) parts.push(`${app.tasksHealthy}/${target} healthy`);
    if (app.tasksStaged > 0) parts.push(`${app.tasksStaged} staging`);
    if (snapshot.kind === 'deploy' && target > 0) {
      const ready = hasHealthChecks(app) ? app.tasksHealthy : app.tasksRunning;
      fraction = Math.min(ready, target) / target;
    }
  }
  const step = stepText(snapshot.deployment);
  if (step) parts.push(step);
  if (fraction === undefined && snapshot.deployment && snapshot.deployment.totalSteps > 0) {
    // Nothing to count (scaling to zero, a removal): the steps done are the progress.
    fraction = (snapshot.deployment.currentStep - 1) / snapshot.deployment.totalSteps;
  }
  return {
    fraction,
    summary: parts.join(' · ') || 'waiting for the deployment',
    blockers: queueBlockers(snapshot.queue),
  };
}

/** `[#######-------]`, a bar of `width` cells. */
export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
