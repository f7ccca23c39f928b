/**
 * The Mesos TaskInfo that launches one Aurora task: the Thermos runner as the command,
 * the task (its launch-time names resolved for this instance) in the runner's
 * environment, the job's resources and named ports, the health check, and a kill grace
 * period long enough for the runner to stop its processes and run the final ones.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Offer, TaskInfo } from '@mesolite/daemon/protocol/mesos';
import type { Job } from '../job-config.js';
import { resolveLaunchTemplates, resolveString } from '../thermos/launch-templates.js';
import { RUNNER_SPEC_ENV } from '../thermos/runner-spec.js';
import { mesosHealthCheck } from './health-check.js';
import { taskResources } from './offer-fit.js';

/** The built runner and health check programs, next to this module's folder in dist/. */
export const RUNNER_PROGRAM = fileURLToPath(new URL('../thermos/runner.js', import.meta.url));
export const HTTP_CHECK_PROGRAM = fileURLToPath(
  new URL('../thermos/http-health-check.js', import.meta.url),
);

/** Time the runner gets beyond finalization_wait before the agent's SIGKILL. */
const KILL_SLACK_SECONDS = 5;

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** Aurora's task id: `<ms>-<role>-<environment>-<name>-<instance>-<uuid>`. */
export function newTaskId(job: Job, instance: number, now: number): string {
  return `${now}-${job.role}-${job.environment}-${job.name}-${instance}-${randomUUID()}`;
}

export interface TaskInfoRequest {
  readonly job: Job;
  readonly taskId: string;
  readonly instance: number;
  readonly offer: Offer;
  readonly ports: Readonly<Record<string, number>>;
}

/**
 * @throws {UnboundLaunchNameError} when a cmdline uses a name that has no value.
 */
export function buildTaskInfo(request: TaskInfoRequest): TaskInfo {
  const { job, offer, ports } = request;
  const bindings = {
    taskId: request.taskId,
    // Roles are labels: processes run as the daemon's user.
    user: userInfo().username,
    instance: request.instance,
    hostname: offer.hostname,
    ports,
  };
  const task = resolveLaunchTemplates(job.task, bindings);
  const shell = job.health_check_config.health_checker.shell;
  const healthCheck = mesosHealthCheck({
    config: job.health_check_config,
    ports,
    ...(shell === undefined
      ? {}
      : { shellCommand: resolveString(shell.shell_command, bindings, 'the shell health check') }),
    httpCheckProgram: HTTP_CHECK_PROGRAM,
    node: process.execPath,
  });
  return {
    name: job.task.name,
    task_id: { value: request.taskId },
    agent_id: offer.agent_id,
    resources: taskResources(job.task.resources, ports),
    command: {
      value: `${quote(process.execPath)} ${quote(RUNNER_PROGRAM)}`,
      environment: {
        variables: [
          {
            name: RUNNER_SPEC_ENV,
            value: JSON.stringify({
              task_id: request.taskId,
              task,
              ...(job.container === undefined ? {} : { container: job.container }),
            }),
          },
        ],
      },
    },
    ...(healthCheck === undefined ? {} : { health_check: healthCheck }),
    kill_policy: {
      grace_period: {
        nanoseconds: (job.task.finalization_wait + KILL_SLACK_SECONDS) * 1_000_000_000,
      },
    },
    labels: {
      labels: [
        { key: 'aurora.job', value: `${job.cluster}/${job.role}/${job.environment}/${job.name}` },
        { key: 'aurora.instance', value: String(request.instance) },
      ],
    },
  };
}
