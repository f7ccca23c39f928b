/**
 * The Aurora scheduler's HTTP API, served under /service/aurora/ by the daemon, for the
 * UI and `mesolite aurora`. Aurora's own API is Thrift; this one speaks JSON with the
 * loaded Job (job-config.ts) as the configuration, and names its operations after the
 * Aurora client's commands:
 *
 *   GET    /jobs                          every job
 *   POST   /jobs/:c/:r/:e/:n              job create            {job}
 *   GET    /jobs/:c/:r/:e/:n              job status
 *   DELETE /jobs/:c/:r/:e/:n              job killall
 *   GET    /jobs/:c/:r/:e/:n/config       job inspect
 *   POST   /jobs/:c/:r/:e/:n/diff         job diff              {job}
 *   POST   /jobs/:c/:r/:e/:n/kill         job kill              {instances?}
 *   POST   /jobs/:c/:r/:e/:n/restart      job restart           {instances?}
 *   POST   /jobs/:c/:r/:e/:n/update       update start          {job}
 *   GET    /jobs/:c/:r/:e/:n/update       update info
 *   POST   /jobs/:c/:r/:e/:n/update/:action   update pause|resume|abort
 *   PUT    /jobs/:c/:r/:e/:n/cron         cron schedule         {job}
 *   DELETE /jobs/:c/:r/:e/:n/cron         cron deschedule
 *   POST   /jobs/:c/:r/:e/:n/cron/start   cron start
 *   GET    /tasks/:taskId                 a task, its processes and their logs
 *
 * Errors answer `{code, message}` with 400, 404 or 409; a refused request changes nothing.
 */
import { validator } from '@mesolite/daemon/protocol/validate';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Job } from '../job-config.js';
import { formatJobKey, parseJobKey } from '../job-key.js';
import type { AuroraRuntime } from '../scheduler/aurora-runtime.js';
import type { JobOperations } from '../scheduler/job-operations.js';
import { JobNotFoundError, TaskNotFoundError } from '../scheduler/scheduler-errors.js';
import { isActiveTask, type JobRecord } from '../state/records.js';
import { configDiff } from './config-diff.js';
import { processViews, readRunnerState, sandboxPath, taskJson } from './task-view.js';

export interface RoutesOptions {
  readonly runtime: AuroraRuntime;
  readonly operations: JobOperations;
  readonly frameworkId: () => string | undefined;
  /** The master, whose /agent/<id>/files routes serve every agent's sandboxes. */
  readonly filesBase: string;
  /** Requests to the master as the plugin (PluginContext.fetch). */
  readonly fetch: (url: string) => Promise<Response>;
}

const JobBody = validator(Type.Object({ job: Job }), 'the job');
const InstancesBody = validator(
  Type.Object({ instances: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }))) }),
  'the instances',
);
const UpdateAction = validator(
  Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('abort')]),
  'the update action',
);

type KeyParams = { c: string; r: string; e: string; n: string };
const JOB = '/jobs/:c/:r/:e/:n';

function keyOf(request: FastifyRequest): string {
  const { c, r, e, n } = request.params as KeyParams;
  return formatJobKey(parseJobKey(`${c}/${r}/${e}/${n}`));
}

function summary(job: JobRecord, runtime: AuroraRuntime) {
  const config = job.configs[job.version];
  const tasks = runtime.tasksOf(job.key);
  return {
    key: job.key,
    version: job.version,
    instances: Object.keys(job.instances).map(Number),
    service: config?.service ?? false,
    ...(config?.cron_schedule === undefined
      ? {}
      : { cronSchedule: config.cron_schedule, cronCollisionPolicy: config.cron_collision_policy }),
    activeTasks: tasks.filter(isActiveTask).length,
  };
}

export function auroraRoutes(options: RoutesOptions) {
  const { runtime, operations } = options;
  return async function routes(app: FastifyInstance): Promise<void> {
    app.setErrorHandler((error: Error, request, reply) => {
      const { code, statusCode } = error as Error & { code?: unknown; statusCode?: unknown };
      const status = typeof statusCode === 'number' ? statusCode : 500;
      if (status >= 500) request.log.error({ err: error }, 'Aurora API request failed');
      reply.code(status).send({
        code: typeof code === 'string' ? code : 'MESOLITE_ERR_AURORA_INTERNAL',
        message: error.message,
      });
    });

    app.get('/jobs', async () => ({
      jobs: [...runtime.jobs.values()].map((job) => summary(job, runtime)),
    }));

    app.post(JOB, async (request, reply) => {
      const key = keyOf(request);
      const { job } = JobBody.parse(request.body);
      const record = await operations.create(key, job);
      reply.code(201);
      return summary(record, runtime);
    });

    app.get(JOB, async (request) => {
      const key = keyOf(request);
      const job = runtime.jobs.get(key);
      const tasks = runtime.tasksOf(key);
      if (job === undefined && tasks.length === 0) throw new JobNotFoundError(key);
      const update = runtime.activeUpdateOf(key);
      return {
        key,
        ...(job === undefined ? {} : { job: summary(job, runtime) }),
        activeTasks: tasks.filter(isActiveTask).map(taskJson),
        inactiveTasks: tasks.filter((task) => !isActiveTask(task)).map(taskJson),
        ...(update === undefined ? {} : { update }),
      };
    });

    app.delete(JOB, async (request) => {
      const killed = await operations.kill(keyOf(request));
      return { killed: killed.map((task) => task.taskId) };
    });

    app.get(`${JOB}/config`, async (request) => {
      const key = keyOf(request);
      const job = runtime.jobs.get(key);
      const config = job?.configs[job.version];
      if (config === undefined) throw new JobNotFoundError(key);
      return { job: config };
    });

    app.post(`${JOB}/diff`, async (request) => {
      const key = keyOf(request);
      const { job: proposed } = JobBody.parse(request.body);
      const job = runtime.jobs.get(key);
      const current = job?.configs[job.version];
      if (current === undefined) throw new JobNotFoundError(key);
      return { changes: configDiff(current, proposed) };
    });

    app.post(`${JOB}/kill`, async (request) => {
      const key = keyOf(request);
      const { instances } = InstancesBody.parse(request.body ?? {});
      const killed = await operations.kill(key, instances);
      return { killed: killed.map((task) => task.taskId) };
    });

    app.post(`${JOB}/restart`, async (request, reply) => {
      const key = keyOf(request);
      const { instances } = InstancesBody.parse(request.body ?? {});
      const update = await operations.restart(key, instances);
      reply.code(202);
      return { update };
    });

    app.post(`${JOB}/update`, async (request, reply) => {
      const key = keyOf(request);
      const { job } = JobBody.parse(request.body);
      const update = await operations.startUpdate(key, job);
      if (update === undefined) {
        return { update: null, message: 'Noop update: the job already runs this configuration' };
      }
      reply.code(202);
      return { update };
    });

    app.get(`${JOB}/update`, async (request) => ({
      update: operations.updateInfo(keyOf(request)),
    }));

    app.post(`${JOB}/update/:action`, async (request) => {
      const key = keyOf(request);
      const action = UpdateAction.parse((request.params as { action: string }).action);
      return { update: await operations.controlUpdate(key, action) };
    });

    app.put(`${JOB}/cron`, async (request) => {
      const key = keyOf(request);
      const { job } = JobBody.parse(request.body);
      return summary(await operations.scheduleCron(key, job), runtime);
    });

    app.delete(`${JOB}/cron`, async (request, reply) => {
      await operations.descheduleCron(keyOf(request));
      reply.code(204);
    });

    app.post(`${JOB}/cron/start`, async (request) => ({
      outcome: await operations.startCron(keyOf(request)),
    }));

    app.get('/tasks/:taskId', async (request) => {
      const { taskId } = request.params as { taskId: string };
      const task = runtime.tasks.get(taskId);
      if (task === undefined) throw new TaskNotFoundError(taskId);
      const frameworkId = options.frameworkId();
      if (frameworkId === undefined || task.agentId === undefined) {
        return { task: taskJson(task), processes: [] };
      }
      // Through the master, which reaches every agent's sandbox, the LAN's included.
      const base = `${options.filesBase}/agent/${encodeURIComponent(task.agentId)}`;
      const sandbox = sandboxPath(frameworkId, task.taskId);
      const state = await readRunnerState(options.fetch, base, sandbox).catch(() => undefined);
      return {
        task: taskJson(task),
        sandbox,
        ...(state === undefined ? {} : { taskState: state.task_state }),
        processes: state === undefined ? [] : processViews(state, base, sandbox),
      };
    });
  };
}
