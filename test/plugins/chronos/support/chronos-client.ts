/** A small Chronos REST client for the tests: the calls a Chronos user would make with curl. */
import { waitFor } from '../../../support/wait.js';

// biome-ignore lint/suspicious/noExplicitAny: Chronos's JSON, read field by field in tests.
export type Json = any;

export class ChronosClient {
  /** `sendWith` is the fetch to use: one that logs in, for a secured daemon. */
  constructor(
    readonly base: string,
    private readonly sendWith: typeof fetch = fetch,
  ) {}

  async send(method: string, path: string, body?: unknown): Promise<Response> {
    return this.sendWith(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** POSTs a job to /scheduler/iso8601 or /scheduler/dependency and expects Chronos's 204. */
  async add(job: Json): Promise<void> {
    const path = job.parents === undefined ? '/scheduler/iso8601' : '/scheduler/dependency';
    const response = await this.send('POST', path, job);
    if (response.status !== 204) {
      throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    }
  }

  async jobs(): Promise<Json[]> {
    return (await (await this.send('GET', '/scheduler/jobs')).json()) as Json[];
  }

  async job(name: string): Promise<Json> {
    return (await this.jobs()).find((job) => job.name === name);
  }

  async history(name: string): Promise<Json> {
    return (await (
      await this.send('GET', `/mesolite/v1/jobs/${encodeURIComponent(name)}/history`)
    ).json()) as Json;
  }

  /** Waits until `probe` holds for the job's JSON. */
  until(
    name: string,
    what: string,
    probe: (job: Json) => boolean,
    timeoutMs = 60_000,
  ): Promise<Json> {
    return waitFor(
      `${name}: ${what}`,
      async () => {
        const job = await this.job(name);
        return job !== undefined && probe(job) ? job : undefined;
      },
      timeoutMs,
    );
  }

  /** Deletes every job, children first. */
  async deleteAll(): Promise<void> {
    for (let round = 0; round < 10; round++) {
      const jobs = await this.jobs().catch(() => []);
      if (jobs.length === 0) return;
      for (const job of jobs) {
        await this.send('DELETE', `/scheduler/task/kill/${encodeURIComponent(job.name)}`);
        await this.send('DELETE', `/scheduler/job/${encodeURIComponent(job.name)}`);
      }
    }
  }
}

/** An ISO 8601 start a little in the future, so the first run is due soon. */
export function startIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}
