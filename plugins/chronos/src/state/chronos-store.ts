/**
 * What Chronos persists, in the plugin's store namespace: each job's definition, its
 * scheduler state (counters, cursor, runs in flight, history) and the framework id, so
 * that a restarted plugin fails over to the same framework and keeps its tasks.
 * A job's definition and state are written in one batch when both change.
 */

import { FrameworkStore } from '@mesolite/daemon/plugins/framework-store';
import { validator } from '@mesolite/daemon/protocol/validate';
import type { JsonValue } from '@mesolite/daemon/store/store';
import { ChronosJob } from '../job/job-schema.js';
import { JobState } from '../job/job-state.js';

const JOBS = 'jobs/';
const STATES = 'states/';

const storedJob = validator(ChronosJob, 'stored Chronos job');
const storedState = validator(JobState, 'stored Chronos job state');

export interface StoredJob {
  readonly job: ChronosJob;
  readonly state: JobState;
}

function json(value: unknown): JsonValue {
  return value as JsonValue;
}

export class ChronosStore extends FrameworkStore {
  /** Every job with its state, checked against their schemas. */
  async jobs(): Promise<StoredJob[]> {
    const states = new Map<string, JobState>();
    for await (const [key, value] of this.store.entries(STATES)) {
      states.set(decodeURIComponent(key.slice(STATES.length)), storedState.parse(value));
    }
    const jobs: StoredJob[] = [];
    for await (const [, value] of this.store.entries(JOBS)) {
      const job = storedJob.parse(value);
      const state = states.get(job.name);
      if (state) jobs.push({ job, state });
    }
    return jobs;
  }

  putJob(job: ChronosJob, state: JobState): Promise<void> {
    return this.store.batch([
      { type: 'put', key: `${JOBS}${encodeURIComponent(job.name)}`, value: json(job) },
      { type: 'put', key: `${STATES}${encodeURIComponent(job.name)}`, value: json(state) },
    ]);
  }

  putStates(states: ReadonlyMap<string, JobState>): Promise<void> {
    if (states.size === 0) return Promise.resolve();
    return this.store.batch(
      [...states].map(([name, state]) => ({
        type: 'put' as const,
        key: `${STATES}${encodeURIComponent(name)}`,
        value: json(state),
      })),
    );
  }

  removeJob(name: string): Promise<void> {
    return this.store.batch([
      { type: 'del', key: `${JOBS}${encodeURIComponent(name)}` },
      { type: 'del', key: `${STATES}${encodeURIComponent(name)}` },
    ]);
  }
}
