/**
 * Reading an .aurora file as Aurora's client does: evaluated locally (never run), with
 * the client's environment and `--bind` values, include() relative to the file, and the
 * job for a key picked by all four of its parts.
 */
import { readFileSync } from 'node:fs';
import { defineError } from '@mesolite/daemon/errors';
import { loadAuroraConfig } from '../config/load-config.js';
import type { Job } from '../job-config.js';
import { formatJobKey, type JobKey } from '../job-key.js';

export const JobNotInConfigError = defineError(
  'MESOLITE_ERR_AURORA_JOB_NOT_IN_CONFIG',
  400,
  (key: string, file: string, defined: string) =>
    `${file} defines no job ${key}; it defines ${defined || 'no jobs'}`,
);

export const ConfigFileUnreadableError = defineError(
  'MESOLITE_ERR_AURORA_CONFIG_FILE',
  400,
  (file: string, reason: string) => `cannot read ${file}: ${reason}`,
);

/** `--bind name=value`, repeatable; commander folds each into the map. */
export function collectBinding(text: string, bindings: Record<string, string>) {
  const at = text.indexOf('=');
  if (at <= 0) throw new Error(`--bind takes name=value, not "${text}"`);
  return { ...bindings, [text.slice(0, at)]: text.slice(at + 1) };
}

const keyOfJob = (job: Job) => `${job.cluster}/${job.role}/${job.environment}/${job.name}`;

export function loadJobs(file: string, bindings: Record<string, string>): Job[] {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileUnreadableError(file, (err as Error).message);
  }
  return loadAuroraConfig(source, {
    filename: file,
    readFile: (path) => readFileSync(path, 'utf8'),
    env: process.env,
    bindings,
  }).jobs;
}

/** The job whose cluster, role, environment and name all match the key. */
export function selectJob(jobs: readonly Job[], key: JobKey, file: string): Job {
  const wanted = formatJobKey(key);
  const job = jobs.find((candidate) => keyOfJob(candidate) === wanted);
  if (!job) throw new JobNotInConfigError(wanted, file, jobs.map(keyOfJob).join(', '));
  return job;
}

export { keyOfJob };
