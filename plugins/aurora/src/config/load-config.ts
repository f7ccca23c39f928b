/**
 * Loads an .aurora file into the jobs it defines, as the JSON contract of
 * ../job-config.ts: evaluates the file, applies `--bind` bindings, resolves every
 * `{{mustache}}` name except the launch-time ones, fills in Aurora's defaults and
 * validates each job. Pure: files come through `readFile`, the environment through `env`.
 */
import { validator } from '@mesolite/daemon/protocol/validate';
import { Job } from '../job-config.js';
import {
  AuroraConfigError,
  AuroraEvaluationError,
  AuroraSchemaError,
  AuroraUnboundNameError,
  type SourceLocation,
} from './errors.js';
import { type EvaluateOptions, evaluateConfig } from './evaluate.js';
import { type Json, StructValue } from './pystachio.js';
import { PyError, PyList, PyTuple, type PyValue, typeName } from './values.js';

export type LoadAuroraConfigOptions = EvaluateOptions;

export interface LoadedAuroraConfig {
  readonly jobs: Job[];
}

const jobValidator = validator(Job, 'the Aurora job');

/** The launch-time names Thermos fills in (Aurora's ThermosContext and MesosContext). */
const LAUNCH_NAME =
  /^(?:thermos\.ports\[[^\]]+\]|thermos\.task_id|thermos\.user|mesos\.instance|mesos\.hostname)$/;
const LAUNCH_REF = /\{\{\s*((?:thermos|mesos)\b[^{}]*?)\s*\}\}/g;

/**
 * @throws {AuroraConfigError} (a subclass naming file, line and column) for anything
 * wrong with the configuration; the CLI exits 3 on it.
 */
export function loadAuroraConfig(
  source: string,
  options: LoadAuroraConfigOptions,
): LoadedAuroraConfig {
  const { globals, schema } = evaluateConfig(source, options);
  const start: SourceLocation = { file: options.filename, line: 1, column: 1 };
  const jobs = globals.get('jobs');
  if (jobs === undefined) {
    throw new AuroraSchemaError(
      start,
      "the configuration defines no jobs: assign a list of Job or Service values to 'jobs'",
    );
  }
  if (!(jobs instanceof PyList || jobs instanceof PyTuple)) {
    throw new AuroraSchemaError(
      start,
      `'jobs' must be a list of Job values, not ${typeName(jobs)}`,
    );
  }
  const cliBinding = new Map<string, PyValue>(Object.entries(options.bindings ?? {}));
  return {
    jobs: jobs.items.map((item, index) => {
      if (!(item instanceof StructValue) || item.type !== schema.Job) {
        throw new AuroraSchemaError(
          start,
          `jobs[${index}] must be a Job or Service, not ${typeName(item)}`,
        );
      }
      return materializeJob(cliBinding.size > 0 ? item.bind(cliBinding) : item, index, start);
    }),
  };
}

function materializeJob(job: StructValue, index: number, fallback: SourceLocation): Job {
  const at = job.at ?? fallback;
  const unbound = new Set<string>();
  let json: Json;
  try {
    json = job.materialize([], { unbound, at });
  } catch (error) {
    if (error instanceof PyError)
      throw new AuroraEvaluationError(at, error.pythonError, `jobs[${index}]: ${error.message}`);
    throw error;
  }
  const record = json as Record<string, Json>;
  const label = typeof record.name === 'string' ? `job '${record.name}'` : `jobs[${index}]`;
  for (const text of strings(json)) {
    for (const [, ref] of text.matchAll(LAUNCH_REF))
      if (ref !== undefined && !LAUNCH_NAME.test(ref)) unbound.add(ref);
  }
  if (unbound.size > 0) {
    throw new AuroraUnboundNameError(at, [...unbound], `in ${label}`);
  }
  if (record.cron_collision_policy === 'RUN_OVERLAP') {
    throw new AuroraSchemaError(
      at,
      `${label}: cron_collision_policy RUN_OVERLAP is not supported (Aurora removed it); use KILL_EXISTING or CANCEL_NEW`,
    );
  }
  try {
    return jobValidator.parse(json);
  } catch (error) {
    if (error instanceof AuroraConfigError || !(error instanceof Error)) throw error;
    throw new AuroraSchemaError(at, `${label}: ${error.message}`);
  }
}

function* strings(json: Json): Generator<string> {
  if (typeof json === 'string') yield json;
  else if (Array.isArray(json)) for (const item of json) yield* strings(item);
  else if (json !== null && typeof json === 'object')
    for (const value of Object.values(json)) yield* strings(value);
}
