/**
 * The answers the page reads from Chronos (api/job-json.ts and the history route in
 * api/scheduler-routes.ts, which build plain objects with no schema to share), and the
 * paths it calls under /service/chronos/.
 */

export const BASE = '/service/chronos';

/** A job as GET /scheduler/jobs lists it (api/job-json.ts); `schedule` or `parents`. */
export interface JobJson {
  name: string;
  command: string;
  successCount: number;
  errorCount: number;
  lastSuccess: string;
  lastError: string;
  disabled: boolean;
  schedule?: string;
  parents?: string[];
}

/** One finished run from GET /mesolite/v1/jobs/NAME/history. */
export interface HistoryRun {
  taskId: string;
  attempt: number;
  reason: string;
  dueAt: string;
  startedAt?: string;
  endedAt: string;
  durationMs?: number;
  status: string;
  exitStatus?: number;
  message?: string;
  agentId?: string;
  /** The sandbox's path in the files API. */
  logs?: string;
}

export interface History {
  runs: HistoryRun[];
  running: { taskId: string; attempt: number; phase: string; dueAt: string }[];
  nextRunAt?: string;
}

export const jobPath = (name: string) => `${BASE}/scheduler/job/${encodeURIComponent(name)}`;
export const historyPath = (name: string) =>
  `${BASE}/mesolite/v1/jobs/${encodeURIComponent(name)}/history`;

/** Chronos takes a scheduled job at /iso8601 and a dependent one at /dependency. */
export function addPath(job: unknown): string {
  const parents = (job as { parents?: unknown } | null)?.parents;
  return Array.isArray(parents) && parents.length > 0
    ? `${BASE}/scheduler/dependency`
    : `${BASE}/scheduler/iso8601`;
}
