/**
 * The Mesos TaskInfo that launches one Aurora task: the Thermos runner as the command,
 * fetched into the sandbox from the master (as Aurora's executor is fetched) and run by
 * the agent's own Node, so that an agent needs nothing but mesolite; the task (its
 * launch-time names resolved for this instance) in the runner's environment, the job's
 * resources and named ports, the health check, and a kill grace period long enough for
 * the runner to stop its processes and run the final ones.
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { CommandInfo, Offer, TaskInfo } from '@mesolite/daemon/protocol/mesos';
import type { Job } from '../job-config.js';
import { resolveLaunchTemplates, resolveString } from '../thermos/launch-templates.js';
import { RUNNER_SPEC_ENV } from '../thermos/runner-spec.js';
import { mesosHealthCheck } from './health-check.js';
import { taskResources } from './offer-fit.js';

/** The programs' artifact names (the manifest's "artifacts"), also their names in the sandbox. */
export const RUNNER_ARTIFACT = 'thermos-runner.mjs';
export const HTTP_CHECK_ARTIFACT = 'aurora-http-check.mjs';

/** Where agents fetch the runner and the HTTP check program from: the master's artifact URIs. */
export interface ThermosPrograms {
  readonly runner: string;
  readonly httpCheck: string;
}

/**
 * The agent's Node (MESOLITE_NODE, set by every mesolite agent), else the `node` on
 * the PATH of an agent that sets none.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a parameter expansion for the agent's shell.
const NODE = '"${MESOLITE_NODE:-node}"';
const inSandbox = (name: string) => `"$MESOS_SANDBOX/${name}"`;

/** The content hash in each URI makes caching safe across plugin upgrades. */
const fetched = (uri: string): NonNullable<CommandInfo['uris']>[number] => ({
  value: uri,
  executable: true,
  cache: true,
});

/** Time the runner gets beyond finalization_wait before the agent's SIGKILL. */
const KILL_SLACK_SECONDS = 5;

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
  readonly programs: ThermosPrograms;
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
    httpCheckCommand: `${NODE} ${inSandbox(HTTP_CHECK_ARTIFACT)}`,
  });
  const httpChecked =
    healthCheck !== undefined && job.health_check_config.health_checker.http !== undefined;
  return {
    name: job.task.name,
    task_id: { value: request.taskId },
    agent_id: offer.agent_id,
    resources: taskResources(job.task.resources, ports),
    command: {
      value: `${NODE} ${inSandbox(RUNNER_ARTIFACT)}`,
      uris: [
        fetched(request.programs.runner),
        ...(httpChecked ? [fetched(request.programs.httpCheck)] : []),
      ],
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
