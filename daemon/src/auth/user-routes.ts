import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { MesoliteError } from '../errors.js';
import { validator } from '../protocol/validate.js';
import { ERR_INVALID_DATA, sendDcosError } from './dcos-error.js';
import { UnknownUserError, UserExistsError } from './errors.js';
import { RoleSchema } from './roles.js';
import type { LocalUser, LocalUserStore } from './user-store.js';

/**
 * DC/OS's body for creating a user, plus mesolite's `role` (default viewer). A request
 * may carry more than DC/OS defines without breaking a client; responses may not.
 */
const NewUserBodySchema = Type.Object({
  password: Type.String(),
  description: Type.Optional(Type.String()),
  role: Type.Optional(RoleSchema),
});
const newUserBody = validator(NewUserBodySchema, 'the user');

export const USERS_PATH = '/acs/api/v1/users';
/** mesolite's own listing, with roles, which DC/OS's user objects have no field for. */
export const ROLES_PATH = '/mesolite/v1/users';

/** A local user as DC/OS's IAM lists one. */
function dcosUser(user: LocalUser) {
  return {
    uid: user.uid,
    url: `${USERS_PATH}/${encodeURIComponent(user.uid)}`,
    description: user.description,
    is_remote: false,
    is_service: false,
    provider_type: 'internal',
    provider_id: '',
  };
}

/** DC/OS's user API over the local users: list, show, create (PUT), delete. */
export function userRoutes(users: LocalUserStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(USERS_PATH, async () => ({ array: (await users.list()).map(dcosUser) }));

    app.get(ROLES_PATH, async () => ({
      users: (await users.list()).map((user) => ({
        uid: user.uid,
        role: user.role,
        description: user.description,
      })),
    }));

    app.get<{ Params: { uid: string } }>(`${USERS_PATH}/:uid`, async (request, reply) => {
      const user = await users.get(request.params.uid);
      if (user) return dcosUser(user);
      return sendDcosError(reply, 400, {
        title: 'Bad request',
        description: new UnknownUserError(request.params.uid).message,
        code: 'ERR_UNKNOWN_USER_ID',
      });
    });

    app.put<{ Params: { uid: string } }>(`${USERS_PATH}/:uid`, async (request, reply) => {
      if (!newUserBody.check(request.body)) {
        return sendDcosError(reply, 400, {
          title: 'Bad request',
          description:
            'The body must be {"password": "...", "description"?: "...", "role"?: "admin"|"viewer"}.',
          code: ERR_INVALID_DATA,
        });
      }
      const body = request.body;
      try {
        await users.add({
          uid: request.params.uid,
          password: body.password,
          role: body.role ?? 'viewer',
          description: body.description,
        });
      } catch (err) {
        if (err instanceof UserExistsError) {
          return sendDcosError(reply, 409, {
            title: 'Conflict',
            description: err.message,
            code: 'ERR_USER_EXISTS',
          });
        }
        if (err instanceof MesoliteError) {
          return sendDcosError(reply, 400, {
            title: 'Bad request',
            description: err.message,
            code: ERR_INVALID_DATA,
          });
        }
        throw err;
      }
      return reply.code(201).send();
    });

    app.delete<{ Params: { uid: string } }>(`${USERS_PATH}/:uid`, async (request, reply) => {
      try {
        await users.remove(request.params.uid);
      } catch (err) {
        if (err instanceof UnknownUserError) {
          return sendDcosError(reply, 400, {
            title: 'Bad request',
            description: err.message,
            code: 'ERR_UNKNOWN_USER_ID',
          });
        }
        throw err;
      }
      return reply.code(204).send();
    });
  };
}
