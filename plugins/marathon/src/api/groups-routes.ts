/**
 * /v2/groups: the app tree as Marathon shows it (groups implied by app ids, plus the
 * dependencies groups declare), and creating, updating and removing whole groups in
 * one deployment ordered by their dependencies.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MarathonService } from '../marathon-service.js';
import { queryFlag, sendError } from './apps-routes.js';

interface GroupJson {
  id: string;
  apps: Record<string, unknown>[];
  groups: GroupJson[];
  pods: [];
  dependencies: string[];
  version: string;
  enforceRole: boolean;
}

function parentOf(id: string): string {
  const index = id.lastIndexOf('/');
  return index <= 0 ? '/' : id.slice(0, index);
}

export function groupsRoutes<A>(service: MarathonService<A>) {
  const tree = (): Map<string, GroupJson> => {
    const version = new Date().toISOString();
    const groups = new Map<string, GroupJson>();
    const group = (id: string): GroupJson => {
      let existing = groups.get(id);
      if (!existing) {
        existing = {
          id,
          apps: [],
          groups: [],
          pods: [],
          dependencies: service.groupDependencies.get(id) ?? [],
          version,
          enforceRole: false,
        };
        groups.set(id, existing);
        if (id !== '/') group(parentOf(id)).groups.push(existing);
      }
      return existing;
    };
    group('/');
    for (const id of service.groupDependencies.keys()) group(id);
    for (const app of service.list()) {
      group(parentOf(service.apps.id(app))).apps.push(service.apps.toJson(app));
    }
    return groups;
  };

  const canonical = (raw: string) => {
    const path = `/${raw.replace(/^\/+/, '').replace(/\/+$/, '')}`;
    return path === '/' ? '/' : path;
  };

  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/v2/groups', async () => tree().get('/'));
    app.get('/v2/groups/*', async (request, reply) => {
      const id = canonical((request.params as { '*': string })['*']);
      const found = tree().get(id);
      if (!found) return reply.code(404).send({ message: `Group '${id}' does not exist` });
      return found;
    });

    const write =
      (update: boolean) =>
      async (request: { params: unknown; query: unknown; body: unknown }, reply: FastifyReply) => {
        const raw = (request.params as { '*'?: string })['*'];
        const id = raw === undefined ? undefined : canonical(raw);
        const query = request.query as Record<string, unknown>;
        try {
          if (!update && id === undefined) {
            const body = request.body as { id?: unknown } | undefined;
            const target = typeof body?.id === 'string' ? canonical(body.id) : '/';
            if (target !== '/' && tree().has(target)) {
              return reply.code(409).send({ message: `Group ${target} already exists` });
            }
          }
          const plan = await service.createGroup(request.body ?? {}, {
            force: queryFlag(query.force),
            update,
            ...(id !== undefined ? { id } : {}),
          });
          return reply
            .code(update ? 200 : 201)
            .header('Marathon-Deployment-Id', plan.id)
            .send({ version: plan.version, deploymentId: plan.id });
        } catch (err) {
          return sendError(reply, err);
        }
      };
    app.post('/v2/groups', write(false));
    app.post('/v2/groups/*', write(false));
    app.put('/v2/groups', write(true));
    app.put('/v2/groups/*', write(true));

    app.delete('/v2/groups/*', async (request, reply) => {
      const id = canonical((request.params as { '*': string })['*']);
      const query = request.query as Record<string, unknown>;
      try {
        const plan = await service.removeGroup(id, queryFlag(query.force));
        return reply
          .code(200)
          .header('Marathon-Deployment-Id', plan.id)
          .send({ version: plan.version, deploymentId: plan.id });
      } catch (err) {
        return sendError(reply, err);
      }
    });
  };
}
