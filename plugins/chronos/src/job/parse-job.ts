/**
 * From a posted job to the definition mesolite keeps: the schema checks the shape, then
 * Chronos's own rules (a command, a readable schedule or existing parents, no cycle),
 * then Chronos's defaults fill the rest. Nothing is stored unless this succeeds.
 */
import { validator } from '@mesolite/daemon/protocol/validate';
import { DependencyCycleError, InvalidJobError, UnknownParentError } from '../errors.js';
import { readIsoPeriod } from '../iso8601-period.js';
import { findCycle, type GraphJob } from './dependency-graph.js';
import { type JobSchedule, parseJobSchedule } from './job-schedule.js';
import { type ChronosJob, type Container, JobInput } from './job-schema.js';

/** Chronos's defaults that the operator may change (its --default_job_epsilon flag...). */
export interface JobDefaults {
  /** ISO 8601 duration; Chronos's default is PT60S. */
  readonly epsilon: string;
  /** Chronos's --user; the user a job's task runs as when the job names none. */
  readonly runAsUser: string;
}

export const CHRONOS_DEFAULTS: JobDefaults = { epsilon: 'PT60S', runAsUser: 'root' };

/** Which endpoint the job came through: it decides whether a schedule or parents are required. */
export type JobKind = 'iso8601' | 'dependency';

const jobInput = validator(JobInput, 'job');

export interface ParsedJob {
  readonly job: ChronosJob;
  /** Undefined for a dependent job. */
  readonly schedule: JobSchedule | undefined;
}

export function parseJob(
  body: unknown,
  kind: JobKind,
  context: {
    readonly now: number;
    readonly defaults: JobDefaults;
    /** The jobs already stored, to check parents and cycles against. */
    readonly existing: ReadonlyMap<string, GraphJob>;
  },
): ParsedJob {
  if (body === undefined || body === null) {
    throw new InvalidJobError('The request has no job: send the job as JSON in the body.');
  }
  let input: JobInput;
  try {
    input = jobInput.parse(body);
  } catch (err) {
    throw new InvalidJobError(
      `Invalid job: ${(err as Error).message.replace(/^Failed to validate job: /, '')}.`,
    );
  }
  const name = input.name;
  const hasContainer = input.container !== undefined;
  if ((input.command ?? '').trim() === '' && !hasContainer) {
    throw new InvalidJobError(
      `Job ${JSON.stringify(name)} has no command: set "command" to what the job runs.`,
    );
  }
  const epsilon = input.epsilon ?? context.defaults.epsilon;
  const epsilonPeriod = readIsoPeriod(epsilon);
  if ('problem' in epsilonPeriod) {
    throw new InvalidJobError(
      `Job ${JSON.stringify(name)} has an invalid epsilon ${JSON.stringify(epsilon)}: ` +
        `${epsilonPeriod.problem}. Write it as an ISO 8601 duration such as PT60S.`,
    );
  }

  for (const constraint of input.constraints ?? []) checkConstraint(name, constraint);

  let schedule: JobSchedule | undefined;
  let parents: string[] | undefined;
  if (kind === 'iso8601') {
    if (input.schedule === undefined || input.schedule === '') {
      throw new InvalidJobError(
        `Job ${JSON.stringify(name)} has no schedule: a job posted to /scheduler/iso8601 needs ` +
          '"schedule" (R[n]/start/period, or a cron expression); a job that runs after others ' +
          'goes to /scheduler/dependency with "parents".',
      );
    }
    schedule = parseJobSchedule(input.schedule, {
      now: context.now,
      timeZone: input.scheduleTimeZone,
    });
  } else {
    parents = [...new Set(input.parents ?? [])];
    if (parents.length === 0) {
      throw new InvalidJobError(
        `Job ${JSON.stringify(name)} has no parents: a job posted to /scheduler/dependency ` +
          'needs "parents", the jobs it runs after.',
      );
    }
    for (const parent of parents) {
      if (parent === name) throw new DependencyCycleError([name, name]);
      if (!context.existing.has(parent)) throw new UnknownParentError(name, parent);
    }
    const graph = new Map(context.existing);
    graph.set(name, { name, parents });
    const cycle = findCycle(graph.values());
    if (cycle) throw new DependencyCycleError(cycle);
  }

  const job: ChronosJob = {
    name,
    command: input.command ?? '',
    shell: input.shell ?? true,
    arguments: input.arguments ?? [],
    ...(input.schedule !== undefined && kind === 'iso8601' ? { schedule: input.schedule } : {}),
    scheduleTimeZone: input.scheduleTimeZone ?? '',
    epsilon,
    ...(parents === undefined ? {} : { parents }),
    async: input.async ?? false,
    retries: input.retries ?? 2,
    cpus: input.cpus ?? 0.1,
    mem: input.mem ?? 128,
    disk: input.disk ?? 256,
    disabled: input.disabled ?? false,
    concurrent: input.concurrent ?? false,
    softError: input.softError ?? false,
    highPriority: input.highPriority ?? false,
    owner: input.owner ?? '',
    ownerName: input.ownerName ?? '',
    description: input.description ?? '',
    uris: input.uris ?? [],
    fetch: input.fetch ?? [],
    environmentVariables: input.environmentVariables ?? [],
    ...(input.container === undefined ? {} : { container: container(input.container) }),
    constraints: input.constraints ?? [],
    runAsUser: input.runAsUser ?? context.defaults.runAsUser,
    ...(input.mesolite?.failureWebhook === undefined
      ? {}
      : { failureWebhook: input.mesolite.failureWebhook }),
  };
  return { job, schedule };
}

function container(input: NonNullable<JobInput['container']>): Container {
  return {
    // Chronos 2.5 knew Docker containers only; its type field defaults to DOCKER.
    type: (input.type ?? 'DOCKER').toUpperCase() as Container['type'],
    image: input.image,
    network: input.network ?? 'BRIDGE',
    ...(input.networkName === undefined ? {} : { networkName: input.networkName }),
    volumes: (input.volumes ?? []).map((volume) => ({
      containerPath: volume.containerPath,
      ...(volume.hostPath === undefined ? {} : { hostPath: volume.hostPath }),
      mode: volume.mode ?? 'RW',
    })),
    forcePullImage: input.forcePullImage ?? false,
  };
}

/** Chronos's constraints: [attribute, EQUALS | LIKE | UNLIKE, value], LIKE's value a regex. */
function checkConstraint(job: string, constraint: readonly string[]): void {
  const [attribute, operator, value] = constraint;
  const shown = JSON.stringify(constraint);
  if (operator === undefined || !['EQUALS', 'LIKE', 'UNLIKE'].includes(operator)) {
    throw new InvalidJobError(
      `Job ${JSON.stringify(job)} has the constraint ${shown}, whose operator is not ` +
        'EQUALS, LIKE or UNLIKE.',
    );
  }
  if (attribute === '' || value === undefined) {
    throw new InvalidJobError(
      `Job ${JSON.stringify(job)} has the constraint ${shown}: write it as ` +
        '[attribute, operator, value], for example ["rack", "EQUALS", "rack-1"].',
    );
  }
  if (operator !== 'EQUALS') {
    try {
      new RegExp(value);
    } catch (err) {
      throw new InvalidJobError(
        `Job ${JSON.stringify(job)} has the constraint ${shown}, whose value is not a ` +
          `regular expression: ${(err as Error).message}.`,
      );
    }
  }
}
