/**
 * The parts of Marathon's v2 JSON that `mesolite app` reads. Only the fields used are
 * declared; the API sends more, and `app show` prints everything it got.
 */

export interface AppJson {
  id: string;
  instances: number;
  version?: string;
  versionInfo?: { lastConfigChangeAt?: string };
  healthChecks?: unknown[];
  tasksRunning: number;
  tasksHealthy: number;
  tasksStaged: number;
  tasksUnhealthy: number;
  deployments: Array<{ id: string }>;
  tasks?: TaskJson[];
}

export interface TaskJson {
  id: string;
  host: string;
  ports?: number[];
  state: string;
  version?: string;
  healthCheckResults?: Array<{ alive: boolean }>;
}

export interface DeploymentJson {
  id: string;
  affectedApps: string[];
  currentStep: number;
  totalSteps: number;
  currentActions: Array<{ action: string; app: string }>;
}

export interface DeclinedOfferStepJson {
  reason: string;
  declined: number;
  processed: number;
}

export interface QueueEntryJson {
  count: number;
  delay?: { timeLeftSeconds: number; overdue: boolean };
  processedOffersSummary?: { rejectSummaryLastOffers?: DeclinedOfferStepJson[] };
  app: { id: string };
}

/** The answer to PUT, DELETE and restart: the deployment that carries the change out. */
export interface DeploymentResultJson {
  version: string;
  deploymentId: string;
}
