/**
 * How far each step of a Marathon deployment is, from the deployment and the apps'
 * task counts. Pure: the deployment list draws one bar per step from it.
 */
import type { Deployment, DeploymentAction, MarathonApp } from './marathon-types.js';

/** How far one action is, 0 to 1, judged by the app's instances now. */
export function actionProgress(action: DeploymentAction, apps: readonly MarathonApp[]): number {
  const app = apps.find((entry) => entry.id === action.app);
  if (action.action === 'StopApplication') return app ? 0 : 1;
  if (!app) return 0;
  const ready = (app.healthChecks?.length ?? 0) > 0 ? app.tasksHealthy : app.tasksRunning;
  if (app.instances === 0) return app.tasksRunning === 0 ? 1 : 0;
  return Math.min(1, ready / app.instances);
}

/** One fraction per step: done steps 1, the current one by its actions, later ones 0. */
export function stepProgress(deployment: Deployment, apps: readonly MarathonApp[]): number[] {
  return deployment.steps.map((step, index) => {
    const number = index + 1;
    if (number < deployment.currentStep) return 1;
    if (number > deployment.currentStep) return 0;
    if (step.actions.length === 0) return 0;
    const sum = step.actions.reduce((total, action) => total + actionProgress(action, apps), 0);
    return sum / step.actions.length;
  });
}
