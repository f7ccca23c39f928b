/**
 * Chronos's REST API (2.5, with Chronos 3's /v1 prefix too): the job list and search,
 * the two job endpoints (iso8601 and dependency), run now, delete, kill, the graph in
 * dot and csv, job stats and the async task callback. Every write answers 204 No
 * Content; an unknown job is 400, as in Chronos. mesolite's run history, which Chronos
 * has no endpoint for, is under /mesolite/v1/jobs/NAME/history.
 */

import { validator } from '@mesolite/daemon/protocol/validate';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { ChronosError, InvalidJobError } from '../errors.js';
import { renderCsv, renderDot } from '../job/dependency-graph.js';
import type { ChronosRuntime } from '../runtime/chronos-runtime.js';
import { graphStates, jobJson } from './job-json.js';

const SearchQuery = Type.Object({
  name: Type.Optional(Type.String()),
  command: Type.Optional(Type.String()),
  any: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String({ pattern: '^\\d+$' })),
  offset: Type.Optional(Type.String({ pattern: '^\\d+$' })),
});
const searchQuery = validator(SearchQuery, 'search query');

const Callback = Type.Object({ statusCode: Type.Integer() });
const callbackBody = validator(Callback, 'task callback');

const RunQuery = Type.Object({ arguments: Type.Optional(Type.String()) });
const runQuery = validator(RunQuery, 'run query');

/** Chronos's search default page. */
const DEFAULT_SEARCH_LIMIT = 10;

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function parse<T>(check: { parse(value: unknown): T }, value: unknown): T {
  try {
    return check.parse(value ?? {});
  } catch (err) {
    throw new InvalidJobError((err as Error).message);
  }
}

function schedulerRoutes(runtime: ChronosRuntime): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((error: Error, request, reply) => {
      if (error instanceof ChronosError) {
        reply.code(error.statusCode).send({ code: error.code, message: error.message });
        return;
      }
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      reply.code(status).send({ message: error.message });
    });

    const jobs = () =>
      [...runtime.jobs.values()].sort((a, b) => (a.job.name < b.job.name ? -1 : 1));

    app.get('/scheduler/jobs', async () => jobs().map(jobJson));

    app.get('/scheduler/jobs/search', async (request) => {
      const query = parse(searchQuery, request.query);
      const limit = query.limit === undefined ? DEFAULT_SEARCH_LIMIT : Number(query.limit);
      const offset = query.offset === undefined ? 0 : Number(query.offset);
      const found = jobs().filter(({ job }) => {
        if (query.name !== undefined && !contains(job.name, query.name)) return false;
        if (query.command !== undefined && !contains(job.command, query.command)) return false;
        if (query.any !== undefined) {
          const fields = [job.name, job.command, job.description, job.owner];
          if (!fields.some((field) => contains(field, query.any ?? ''))) return false;
        }
        return true;
      });
      return found.slice(offset, offset + limit).map(jobJson);
    });

    for (const kind of ['iso8601', 'dependency'] as const) {
      const put = async (
        request: { body: unknown },
        reply: { code(n: number): { send(): void } },
      ) => {
        await runtime.putJob(request.body, kind);
        reply.code(204).send();
      };
      app.post(`/scheduler/${kind}`, put);
      app.put(`/scheduler/${kind}`, put);
    }

    app.put<{ Params: { name: string } }>('/scheduler/job/:name', async (request, reply) => {
      const query = parse(runQuery, request.query);
      const args =
        query.arguments === undefined ? undefined : query.arguments.split(' ').filter(Boolean);
      await runtime.runNow(request.params.name, args);
      reply.code(204).send();
    });

    app.delete<{ Params: { name: string } }>('/scheduler/job/:name', async (request, reply) => {
      await runtime.removeJob(request.params.name);
      reply.code(204).send();
    });

    app.delete<{ Params: { name: string } }>(
      '/scheduler/task/kill/:name',
      async (request, reply) => {
        await runtime.killTasks(request.params.name);
        reply.code(204).send();
      },
    );

    app.put<{ Params: { taskId: string } }>('/scheduler/task/:taskId', async (request, reply) => {
      const body = parse(callbackBody, request.body);
      await runtime.callback(request.params.taskId, body.statusCode);
      reply.code(204).send();
    });

    app.get('/scheduler/graph/dot', async (_request, reply) => {
      reply.type('text/plain').send(renderDot(jobs().map(({ job }) => job)));
    });

    app.get('/scheduler/graph/csv', async (_request, reply) => {
      const nodes = jobs().map(({ job, state }) => ({
        name: job.name,
        parents: job.parents,
        ...graphStates(state),
      }));
      reply.type('text/plain').send(renderCsv(nodes));
    });

    app.get<{ Params: { name: string } }>('/scheduler/job/stat/:name', async (request) => {
      const { job, state } = runtime.require(request.params.name);
      const durations = state.history
        .filter((run) => run.status === 'success' && run.startedAt !== undefined)
        .map((run) => (run.endedAt - (run.startedAt ?? run.endedAt)) / 1000)
        .sort((a, b) => a - b);
      return {
        histogram: histogram(durations),
        taskStatHistory: state.history.map((run) => ({
          taskId: run.taskId,
          jobName: job.name,
          slaveId: run.agentId ?? '',
          ...(run.startedAt === undefined
            ? {}
            : { startTime: new Date(run.startedAt).toISOString() }),
          endTime: new Date(run.endedAt).toISOString(),
          ...(run.startedAt === undefined
            ? {}
            : { duration: durationText(run.endedAt - run.startedAt) }),
          status:
            run.status === 'success' ? 'FINISHED' : run.status === 'killed' ? 'KILLED' : 'FAILED',
          numElementsProcessed: 0,
          numAdditionalElementsProcessed: 0,
        })),
      };
    });
  };
}

/** Chronos's stat histogram (Coda Hale's snapshot) over successful run durations, in seconds. */
function histogram(sorted: readonly number[]) {
  const at = (quantile: number) => {
    if (sorted.length === 0) return 0;
    return sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] ?? 0;
  };
  return {
    '75thPercentile': at(0.75),
    '95thPercentile': at(0.95),
    '98thPercentile': at(0.98),
    '99thPercentile': at(0.99),
    median: at(0.5),
    mean: sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    count: sorted.length,
  };
}

function durationText(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/** mesolite's own view of a job's runs, with exit status, duration and where the logs are. */
function historyRoutes(runtime: ChronosRuntime): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.setErrorHandler((error: Error, _request, reply) => {
      const status = error instanceof ChronosError ? error.statusCode : 500;
      reply.code(status).send({ message: error.message });
    });
    app.get<{ Params: { name: string } }>('/mesolite/v1/jobs/:name/history', async (request) => {
      const { state } = runtime.require(request.params.name);
      const frameworkId = runtime.frameworkId;
      return {
        runs: state.history.map((run) => ({
          taskId: run.taskId,
          attempt: run.attempt,
          reason: run.reason,
          dueAt: new Date(run.dueAt).toISOString(),
          ...(run.startedAt === undefined
            ? {}
            : { startedAt: new Date(run.startedAt).toISOString() }),
          endedAt: new Date(run.endedAt).toISOString(),
          ...(run.startedAt === undefined ? {} : { durationMs: run.endedAt - run.startedAt }),
          status: run.status,
          ...(run.exitStatus === undefined ? {} : { exitStatus: run.exitStatus }),
          ...(run.message === undefined ? {} : { message: run.message }),
          ...(run.agentId === undefined ? {} : { agentId: run.agentId }),
          // The sandbox's path in the agent's files API (/files/browse?path=...).
          ...(frameworkId === undefined
            ? {}
            : { logs: `/frameworks/${frameworkId}/executors/${run.taskId}/runs/latest` }),
        })),
        running: state.runs.map((run) => ({
          taskId: run.taskId,
          attempt: run.attempt,
          phase: run.phase,
          dueAt: new Date(run.dueAt).toISOString(),
        })),
        ...(state.cursor === undefined || state.cursor.remaining === 0
          ? {}
          : { nextRunAt: new Date(state.cursor.dueAt).toISOString() }),
      };
    });
  };
}

/** Registers the API at the root and under /v1 (Chronos 3's prefix). */
export async function registerChronosApi(
  app: FastifyInstance,
  runtime: ChronosRuntime,
): Promise<void> {
  await app.register(schedulerRoutes(runtime));
  await app.register(schedulerRoutes(runtime), { prefix: '/v1' });
  await app.register(historyRoutes(runtime));
}
