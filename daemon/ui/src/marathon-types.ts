/** The parts of Marathon's v2 JSON the UI reads (apps and deployments, as Marathon 1.x). */

/** Marathon's v2 API, as the daemon serves the plugin. */
export const MARATHON = '/service/marathon/v2';

export interface MarathonApp {
  id: string;
  cmd?: string;
  instances: number;
  version?: string;
  tasksRunning: number;
  tasksHealthy: number;
  tasksStaged: number;
  tasksUnhealthy: number;
  deployments: { id: string }[];
  healthChecks?: unknown[];
  portDefinitions?: { port: number; name?: string }[];
}

export interface DeploymentAction {
  action: string;
  app: string;
}

export interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  steps: { actions: DeploymentAction[] }[];
  currentActions: DeploymentAction[];
  /** Counts from 1; 0 while the first step has not begun. */
  currentStep: number;
  totalSteps: number;
}

export interface MarathonView {
  apps: MarathonApp[];
  deployments: Deployment[];
}
