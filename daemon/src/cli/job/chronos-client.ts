/**
 * The Chronos plugin's API at `<master>/service/chronos`, in Chronos 2.5's words:
 * /scheduler/jobs, /scheduler/iso8601, /scheduler/dependency, /scheduler/job/NAME.
 */
import { defineError, MesoliteError } from '../../errors.js';
import { ServiceClient } from '../service-client.js';

/** A job as Chronos lists it; only the fields the command shows. */
export interface ChronosJobJson {
  name: string;
  command?: string;
  schedule?: string;
  parents?: string[];
  disabled?: boolean;
  successCount?: number;
  errorCount?: number;
  lastSuccess?: string;
  lastError?: string;
}

export const JobFileError = defineError(
  'MESOLITE_ERR_JOB_FILE',
  400,
  (file: string, reason: string) => `cannot use ${file} as Chronos jobs: ${reason}`,
);

/** Chronos refused a request; its answer is plain text or `{message}`. */
export class ChronosRefusedError extends MesoliteError {
  static readonly code = 'MESOLITE_ERR_CHRONOS_REFUSED';

  constructor(path: string, status: number, body: unknown) {
    const said =
      typeof body === 'string'
        ? body
        : typeof (body as { message?: unknown })?.message === 'string'
          ? (body as { message: string }).message
          : `${path} answered ${status}`;
    super(ChronosRefusedError.code, `Chronos refused: ${said}`, status);
    this.name = ChronosRefusedError.code;
  }
}

export class ChronosClient extends ServiceClient {
  constructor(master: string) {
    super(
      master,
      '/service/chronos',
      (path, status, body) => new ChronosRefusedError(path, status, body),
    );
  }
}

/**
 * The order to post a file's jobs in: scheduled jobs first, then each dependent job
 * after the parents it names from the same file, as Chronos refuses an unknown parent.
 */
export function postingOrder(jobs: readonly ChronosJobJson[]): ChronosJobJson[] {
  const inFile = new Map(jobs.map((job) => [job.name, job]));
  const placed = new Set<string>();
  const order: ChronosJobJson[] = [];
  const place = (job: ChronosJobJson, path: readonly string[]) => {
    if (placed.has(job.name) || path.includes(job.name)) return;
    for (const parent of job.parents ?? []) {
      const inner = inFile.get(parent);
      if (inner) place(inner, [...path, job.name]);
    }
    placed.add(job.name);
    order.push(job);
  };
  for (const job of jobs) place(job, []);
  return order;
}
