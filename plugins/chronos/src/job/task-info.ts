/**
 * The Mesos TaskInfo for one run of a job, as Chronos's MesosTaskBuilder builds it:
 * the command (through the shell, or the arguments without one), the job's fetch URIs,
 * its environment plus the variables Chronos gives every task (CHRONOS_JOB_NAME,
 * CHRONOS_JOB_OWNER, CHRONOS_JOB_RUN_TIME, CHRONOS_JOB_RUN_ATTEMPT, mesos_task_id),
 * its resources, and a Docker container when the job has one.
 */
import type { ContainerInfo, Offer, Resource, TaskInfo } from '@mesolite/daemon/protocol/mesos';
import type { ChronosJob } from './job-schema.js';
import type { ActiveRun } from './job-state.js';

export interface TaskInfoRequest {
  readonly job: ChronosJob;
  readonly run: ActiveRun;
  readonly offer: Offer;
  /**
   * Where an async task reports its end: PUT here with {"statusCode": 0}. Given to the
   * task as MESOLITE_CHRONOS_CALLBACK_URL, next to its id in mesos_task_id.
   */
  readonly callbackUrl: string;
  /**
   * When the master checks credentials: a token good only for that PUT, given to an
   * async task as MESOLITE_CALLBACK_TOKEN (`Authorization: token=$MESOLITE_CALLBACK_TOKEN`).
   */
  readonly callbackToken?: string | undefined;
}

/** Chronos's CHRONOS_JOB_RUN_TIME: the run's due time, as ISO 8601 in UTC. */
function runTime(dueAt: number): string {
  return new Date(dueAt).toISOString();
}

export function buildTaskInfo(request: TaskInfoRequest): TaskInfo {
  const { job, run, offer } = request;
  const variables = [
    ...job.environmentVariables,
    { name: 'mesos_task_id', value: run.taskId },
    { name: 'MESOS_TASK_ID', value: run.taskId },
    { name: 'CHRONOS_JOB_OWNER', value: job.owner },
    { name: 'CHRONOS_JOB_NAME', value: job.name },
    { name: 'CHRONOS_JOB_RUN_TIME', value: runTime(run.dueAt) },
    { name: 'CHRONOS_JOB_RUN_ATTEMPT', value: String(run.attempt) },
    { name: 'MESOLITE_CHRONOS_CALLBACK_URL', value: request.callbackUrl },
    ...(request.callbackToken === undefined
      ? []
      : [{ name: 'MESOLITE_CALLBACK_TOKEN', value: request.callbackToken }]),
  ];
  const uris = [
    ...job.uris.map((value) => ({ value })),
    ...job.fetch.map((uri) => ({
      value: uri.uri,
      ...(uri.executable === undefined ? {} : { executable: uri.executable }),
      ...(uri.extract === undefined ? {} : { extract: uri.extract }),
      ...(uri.cache === undefined ? {} : { cache: uri.cache }),
      ...(uri.outputFile === undefined ? {} : { output_file: uri.outputFile }),
    })),
  ];
  const container = containerInfo(job, run);
  return {
    // Chronos names tasks ChronosTask:<job name>.
    name: `ChronosTask:${job.name}`,
    task_id: { value: run.taskId },
    agent_id: { value: offer.agent_id.value },
    resources: resources(job),
    command: {
      ...(uris.length === 0 ? {} : { uris }),
      environment: { variables },
      ...commandLine(job, run),
      user: job.runAsUser,
    },
    ...(container === undefined ? {} : { container }),
  };
}

function commandLine(job: ChronosJob, run: ActiveRun) {
  if (job.shell) {
    // With the shell, arguments are appended to the command line, as Chronos does.
    const line = [job.command, ...run.arguments].filter((part) => part !== '').join(' ');
    return { shell: true, value: line };
  }
  const program = job.command === '' ? run.arguments[0] : job.command;
  return {
    shell: false,
    ...(program === undefined ? {} : { value: program }),
    arguments: job.command === '' ? [...run.arguments] : [job.command, ...run.arguments],
  };
}

function resources(job: ChronosJob): Resource[] {
  const scalar = (name: string, value: number): Resource[] =>
    value > 0 ? [{ name, type: 'SCALAR', scalar: { value } }] : [];
  return [...scalar('cpus', job.cpus), ...scalar('mem', job.mem), ...scalar('disk', job.disk)];
}

function containerInfo(job: ChronosJob, run: ActiveRun): ContainerInfo | undefined {
  const container = job.container;
  if (container === undefined) return undefined;
  const volumes = container.volumes.map((volume) => ({
    container_path: volume.containerPath,
    ...(volume.hostPath === undefined ? {} : { host_path: volume.hostPath }),
    mode: volume.mode,
  }));
  return {
    type: 'DOCKER',
    docker: {
      image: container.image,
      network: container.network,
      force_pull_image: container.forcePullImage,
      // As Marathon does, so that `docker ps` tells which task a container runs.
      parameters: [{ key: 'label', value: `MESOS_TASK_ID=${run.taskId}` }],
    },
    ...(volumes.length === 0 ? {} : { volumes }),
    ...(container.networkName === undefined
      ? {}
      : { network_infos: [{ name: container.networkName }] }),
  };
}

/** Whether the offer has room for the job and meets its constraints (EQUALS, LIKE, UNLIKE). */
export function offerFits(job: ChronosJob, offer: Offer, used: ResourceUse): boolean {
  const scalar = (name: string) =>
    offer.resources
      .filter((resource) => resource.name === name && resource.type === 'SCALAR')
      .reduce((sum, resource) => sum + (resource.scalar?.value ?? 0), 0);
  const epsilon = 1e-9;
  if (scalar('cpus') + epsilon < used.cpus + job.cpus) return false;
  if (scalar('mem') + epsilon < used.mem + job.mem) return false;
  if (scalar('disk') + epsilon < used.disk + job.disk) return false;
  return job.constraints.every((constraint) => meetsConstraint(constraint, offer));
}

export interface ResourceUse {
  cpus: number;
  mem: number;
  disk: number;
}

function attributeValue(offer: Offer, name: string): string | undefined {
  if (name === 'hostname') return offer.hostname;
  const attribute = (offer.attributes ?? []).find((candidate) => candidate.name === name);
  if (attribute === undefined) return undefined;
  if (attribute.text !== undefined) return attribute.text.value;
  if (attribute.scalar !== undefined) return String(attribute.scalar.value);
  return undefined;
}

function meetsConstraint(constraint: readonly string[], offer: Offer): boolean {
  const [name, operator, value] = constraint;
  if (name === undefined || operator === undefined) return true;
  const actual = attributeValue(offer, name);
  switch (operator.toUpperCase()) {
    case 'EQUALS':
      return actual === value;
    case 'LIKE':
      return actual !== undefined && new RegExp(`^(?:${value ?? ''})$`).test(actual);
    case 'UNLIKE':
      return actual === undefined || !new RegExp(`^(?:${value ?? ''})$`).test(actual);
    default:
      return true;
  }
}
