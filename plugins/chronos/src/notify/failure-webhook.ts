/**
 * Failure notifications: where Chronos sends an e-mail to the job's owner when a run
 * fails for good, mesolite POSTs a JSON notice to the job's webhook. Delivery is best
 * effort: one attempt, bounded in time, its failure logged; a scheduler never waits on it.
 */
import type { Logger } from 'pino';
import type { ChronosJob } from '../job/job-schema.js';
import type { RunRecord } from '../job/job-state.js';

const DELIVERY_TIMEOUT_MS = 10_000;

export interface FailureNotice {
  readonly job: string;
  readonly owner: string;
  readonly taskId: string;
  readonly attempt: number;
  readonly dueAt: string;
  readonly failedAt: string;
  readonly message: string;
  readonly exitStatus?: number;
}

export function failureNotice(job: ChronosJob, run: RunRecord): FailureNotice {
  return {
    job: job.name,
    owner: job.owner,
    taskId: run.taskId,
    attempt: run.attempt,
    dueAt: new Date(run.dueAt).toISOString(),
    failedAt: new Date(run.endedAt).toISOString(),
    message: run.message ?? 'the task failed',
    ...(run.exitStatus === undefined ? {} : { exitStatus: run.exitStatus }),
  };
}

export class FailureWebhook {
  private readonly pending = new Set<AbortController>();

  constructor(private readonly logger: Logger) {}

  notify(url: string, notice: FailureNotice): void {
    const abort = new AbortController();
    this.pending.add(abort);
    const timer = setTimeout(() => abort.abort(), DELIVERY_TIMEOUT_MS);
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notice),
      signal: abort.signal,
    })
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok) {
          this.logger.warn(
            { url, status: response.status, job: notice.job },
            'failure webhook refused the notice',
          );
        }
      })
      .catch((err: unknown) => {
        this.logger.warn({ err, url, job: notice.job }, 'could not deliver a failure webhook');
      })
      .finally(() => {
        clearTimeout(timer);
        this.pending.delete(abort);
      });
  }

  stop(): void {
    for (const abort of this.pending) abort.abort();
    this.pending.clear();
  }
}
