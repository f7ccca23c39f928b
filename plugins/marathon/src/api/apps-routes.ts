/**
 * /v2/apps, /v2/tasks, /v2/deployments and /v2/queue as Marathon's clients use them:
 * Marathon's shapes, status codes and headers (Location, Marathon-Deployment-Id), 409
 * when a deployment is in the way, 422 with Marathon's error body for bad definitions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DependencyCycleError, DeploymentConflictError, stepsJson } from '../deployment/index.js';
import { type AppPlan, MarathonApiError, type MarathonService } from '../marathon-service.js';
import { parsePathId } from '../path-id.js';
import { lastUnusedOffers, processedOffersSummary } from '../scheduling/offers-summary.js';
import { type Instance, isActive, taskJson } from '../state/instance.js';

/** Marathon's Jersey accepts true, True and 1 for a boolean query parameter. */
export function queryFlag(value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback;
  const text = String(Array.isArray(value) ? value[0] : value).toLowerCase();
  return text === 'true' || text === '1';
}

function queryList(value: unknown): string[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values
    .flatMap((entry) => String(entry).split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** Answers Marathon's errors with Marathon's bodies; rethrows anything else. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof MarathonApiError) return reply.code(err.statusCode).send(err.body);
  if (err instanceof DeploymentConflictError) return reply.code(409).send(err.toBody());
  if (err instanceof DependencyCycleError) {
    return reply.code(422).send({
      message: 'Object is not valid',
      details: [{ path: '/', errors: [err.validationMessage] }],
    });
  }
  const coded = err as {
    statusCode?: number;
    body?: unknown;
    toBody?: () => unknown;
    message?: string;
  };
  if (typeof coded.toBody === 'function' && typeof coded.statusCode === 'number') {
    return reply.code(coded.statusCode).send(coded.toBody());
  }
  if (coded.statusCode === 422 && coded.body) return reply.code(422).send(coded.body);
  throw err;
}

function canonicalId(raw: string): string {
  return parsePathId(raw).toString();
}

type Route =
  | { kind: 'app'; id: string }
  | { kind: 'restart'; id: string }
  | { kind: 'tasks'; id: string }
  | { kind: 'task'; id: string; taskId: string }
  | { kind: 'versions'; id: string }
  | { kind: 'version'; id: string; version: string };

/** App ids hold slashes; Marathon reserves the last segments restart, tasks and versions. */
export function routeOf(path: string): Route {
  const clean = `/${path.replace(/^\/+/, '').replace(/\/+$/, '')}`;
  let match = /^(.*)\/tasks\/([^/]+)$/.exec(clean);
  if (match?.[1] && match[2])
    return { kind: 'task', id: match[1], taskId: decodeURIComponent(match[2]) };
  match = /^(.*)\/versions\/([^/]+)$/.exec(clean);
  if (match?.[1] && match[2])
    return { kind: 'version', id: match[1], version: decodeURIComponent(match[2]) };
  match = /^(.*)\/(tasks|restart|versions)$/.exec(clean);
  if (match?.[1] && match[2])
    return { kind: match[2] as 'tasks' | 'restart' | 'versions', id: match[1] };
  return { kind: 'app', id: clean };
}

export function appsRoutes<A>(service: MarathonService<A>) {
  const { apps } = service;

  const counts = (id: string, checked: boolean) => {
    const instances = service.instancesOf(id).filter(isActive);
    return {
      tasksStaged: instances.filter(
        (i) => i.state === 'TASK_STAGING' || i.state === 'TASK_STARTING',
      ).length,
      tasksRunning: instances.filter((i) => i.state === 'TASK_RUNNING').length,
      tasksHealthy: checked ? instances.filter((i) => i.healthy === true).length : 0,
      tasksUnhealthy: checked ? instances.filter((i) => i.healthy === false).length : 0,
    };
  };

  /** The app's tasks in Marathon's JSON; `json` is the app's, when the caller has it already. */
  const tasksOf = (
    app: A,
    json = apps.toJson(app),
    keep: (instance: Instance) => boolean = () => true,
  ) => {
    const servicePorts = servicePortsOf(json);
    return service
      .instancesOf(apps.id(app))
      .filter(keep)
      .map((instance) => taskJson(instance, servicePorts, hasHealthChecks(json)));
  };

  const appWithEmbeds = (app: A, embed: ReadonlySet<string>, single: boolean) => {
    const json = apps.toJson(app);
    const id = apps.id(app);
    return {
      ...json,
      ...counts(id, hasHealthChecks(json)),
      deployments: service.deploymentsOf(id),
      ...(single || embed.has('apps.tasks') || embed.has('app.tasks')
        ? { tasks: tasksOf(app, json) }
        : {}),
    };
  };

  const deploymentAnswer = (reply: FastifyReply, plan: AppPlan<A>, status = 200) =>
    reply
      .code(status)
      .header('Marathon-Deployment-Id', plan.id)
      .send({ version: plan.version, deploymentId: plan.id });

  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/v2/apps', async (request) => {
      const query = request.query as Record<string, unknown>;
      const embed = new Set(queryList(query.embed));
      const idFilter = typeof query.id === 'string' ? query.id : undefined;
      const cmdFilter = typeof query.cmd === 'string' ? query.cmd : undefined;
      const labelFilter = typeof query.label === 'string' ? query.label : undefined;
      return {
        apps: service
          .list()
          .filter((entry) => {
            const json = apps.toJson(entry);
            if (idFilter && !apps.id(entry).includes(idFilter)) return false;
            if (cmdFilter && !String(json.cmd ?? '').includes(cmdFilter)) return false;
            if (labelFilter) {
              const [key, value] = labelFilter.split('==');
              const labels = (json.labels ?? {}) as Record<string, string>;
              if (key === undefined || !(key in labels)) return false;
              if (value !== undefined && labels[key] !== value) return false;
            }
            return true;
          })
          .map((entry) => appWithEmbeds(entry, embed, false)),
      };
    });

    app.post('/v2/apps', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      try {
        const { app: created, plan } = await service.create(request.body, queryFlag(query.force));
        return reply
          .code(201)
          .header('Location', `${prefixOf(request)}/v2/apps${apps.id(created)}`)
          .header('Marathon-Deployment-Id', plan.id)
          .send({
            ...appWithEmbeds(created, new Set(), false),
            deployments: [{ id: plan.id }],
            tasks: [],
          });
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/v2/apps/*', async (request, reply) => {
      const route = routeOf((request.params as { '*': string })['*']);
      try {
        const id = canonicalId(route.id);
        switch (route.kind) {
          case 'app':
            return { app: appWithEmbeds(service.get(id), new Set(), true) };
          case 'tasks':
            return { tasks: tasksOf(service.get(id)) };
          case 'versions':
            return { versions: await service.versions(id) };
          case 'version':
            return await service.version(id, route.version);
          default:
            return reply.code(405).send({ message: 'Method not allowed' });
        }
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.put('/v2/apps/*', async (request, reply) => {
      const route = routeOf((request.params as { '*': string })['*']);
      const query = request.query as Record<string, unknown>;
      try {
        if (route.kind !== 'app') return reply.code(405).send({ message: 'Method not allowed' });
        const {
          app: stored,
          plan,
          created,
        } = await service.put(canonicalId(route.id), request.body ?? {}, {
          force: queryFlag(query.force),
          partialUpdate: queryFlag(query.partialUpdate, true),
        });
        if (created) {
          return reply
            .code(201)
            .header('Location', `${prefixOf(request)}/v2/apps${apps.id(stored)}`)
            .header('Marathon-Deployment-Id', plan.id)
            .send({ ...appWithEmbeds(stored, new Set(), false), deployments: [{ id: plan.id }] });
        }
        return deploymentAnswer(reply, plan);
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.post('/v2/apps/*', async (request, reply) => {
      const route = routeOf((request.params as { '*': string })['*']);
      const query = request.query as Record<string, unknown>;
      try {
        if (route.kind !== 'restart')
          return reply.code(405).send({ message: 'Method not allowed' });
        return deploymentAnswer(
          reply,
          await service.restart(canonicalId(route.id), queryFlag(query.force)),
        );
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.delete('/v2/apps/*', async (request, reply) => {
      const route = routeOf((request.params as { '*': string })['*']);
      const query = request.query as Record<string, unknown>;
      const force = queryFlag(query.force);
      try {
        const id = canonicalId(route.id);
        if (route.kind === 'app') return deploymentAnswer(reply, await service.destroy(id, force));
        if (route.kind === 'task' || route.kind === 'tasks') {
          const host = typeof query.host === 'string' ? query.host : undefined;
          const taskIds =
            route.kind === 'task'
              ? [route.taskId]
              : service
                  .instancesOf(id)
                  .filter((instance) => !host || instance.host === host)
                  .map((instance) => instance.taskId);
          if (
            route.kind === 'task' &&
            !service.instancesOf(id).some((i) => i.taskId === route.taskId)
          ) {
            service.get(id);
            return reply.code(404).send({ message: `Task '${route.taskId}' does not exist` });
          }
          const result = await service.killTasks(id, taskIds, {
            scale: queryFlag(query.scale),
            force,
          });
          if (result.plan) return deploymentAnswer(reply, result.plan);
          const json = result.killed.map((instance) => taskJson(instance, [], false));
          return route.kind === 'task' ? { task: json[0] } : { tasks: json };
        }
        return reply.code(405).send({ message: 'Method not allowed' });
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/v2/tasks', async (request) => {
      const query = request.query as Record<string, unknown>;
      const wanted = new Set(queryList(query.status).map((status) => status.toLowerCase()));
      const matches = (instance: Instance) =>
        wanted.size === 0 || wanted.has(instance.state.replace(/^TASK_/, '').toLowerCase());
      return { tasks: service.list().flatMap((entry) => tasksOf(entry, undefined, matches)) };
    });

    app.post('/v2/tasks/delete', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const ids = ((request.body ?? {}) as { ids?: unknown }).ids;
      if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
        return reply.code(422).send({
          message: 'Object is not valid',
          details: [{ path: '/ids', errors: ['error.expected.jsarray'] }],
        });
      }
      try {
        const byApp = new Map<string, string[]>();
        for (const entry of service.list()) {
          for (const instance of service.instancesOf(apps.id(entry))) {
            if ((ids as string[]).includes(instance.taskId)) {
              const list = byApp.get(instance.appId) ?? [];
              list.push(instance.taskId);
              byApp.set(instance.appId, list);
            }
          }
        }
        let lastPlan: AppPlan<A> | undefined;
        for (const [appId, taskIds] of byApp) {
          const result = await service.killTasks(appId, taskIds, {
            scale: queryFlag(query.scale),
            force: queryFlag(query.force),
          });
          lastPlan = result.plan ?? lastPlan;
        }
        if (lastPlan) return deploymentAnswer(reply, lastPlan);
        return { tasks: [] };
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/v2/deployments', async () => service.deploymentList());

    app.delete('/v2/deployments/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as Record<string, unknown>;
      try {
        const rollback = await service.cancelDeployment(id, queryFlag(query.force));
        if (!rollback) return reply.code(202).send();
        return deploymentAnswer(reply, rollback);
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/v2/queue', async (request) => {
      // Marathon lists each agent's last declined offer only when asked: it is large.
      const withLastUnused = queryList((request.query as Record<string, unknown>).embed).includes(
        'lastUnusedOffers',
      );
      return {
        queue: [...service.runtime.queue.values()]
          .filter((entry) => service.runtime.apps.has(entry.appId))
          .map((entry) => {
            const stored = service.get(entry.appId);
            return {
              count: entry.count,
              delay: service.runtime.delayOf(stored),
              since: new Date(entry.since).toISOString(),
              processedOffersSummary: processedOffersSummary(entry.statistics),
              ...(withLastUnused ? { lastUnusedOffers: lastUnusedOffers(entry.statistics) } : {}),
              app: apps.toJson(stored),
            };
          }),
      };
    });

    app.delete('/v2/queue/*', async (request, reply) => {
      const path = (request.params as { '*': string })['*'];
      const match = /^(.*)\/delay\/?$/.exec(`/${path.replace(/^\/+/, '')}`);
      if (!match?.[1]) return reply.code(404).send({ message: 'Not found' });
      try {
        const stored = service.get(canonicalId(match[1]));
        service.runtime.resetBackoff(stored);
        return reply.code(204).send();
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.get('/v2/deployments/:id/steps', async (request, reply) => {
      const { id } = request.params as { id: string };
      const plan = service.deployments.get(id);
      if (!plan) return reply.code(404).send({ message: `DeploymentPlan ${id} does not exist` });
      return stepsJson(plan);
    });
  };
}

/** The path prefix a proxy mounted us under (DC/OS style /service/marathon), for Location. */
function prefixOf(request: FastifyRequest): string {
  const prefix = request.headers['x-forwarded-prefix'];
  return typeof prefix === 'string' ? prefix : '';
}

function hasHealthChecks(json: Record<string, unknown>): boolean {
  return Array.isArray(json.healthChecks) && json.healthChecks.length > 0;
}

function servicePortsOf(json: Record<string, unknown>): number[] {
  const definitions = json.portDefinitions as Array<{ port?: number }> | undefined;
  const mappings = (
    json.container as { portMappings?: Array<{ servicePort?: number }> } | undefined
  )?.portMappings;
  if (mappings && mappings.length > 0) return mappings.map((mapping) => mapping.servicePort ?? 0);
  return (definitions ?? []).map((definition) => definition.port ?? 0);
}
