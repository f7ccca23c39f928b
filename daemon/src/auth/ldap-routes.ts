import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { MesoliteError } from '../errors.js';
import { validator } from '../protocol/validate.js';
import { ERR_INVALID_DATA, sendDcosError } from './dcos-error.js';
import { parseLdapConfig, redactLdapConfig } from './ldap-config.js';
import type { LdapConfigStore } from './ldap-config-store.js';
import { authenticateWithLdap } from './ldap-directory.js';

export const LDAP_CONFIG_PATH = '/acs/api/v1/ldap/config';
const ERR_LDAP_CONFIG_NOT_AVAILABLE = 'ERR_LDAP_CONFIG_NOT_AVAILABLE';

const TestBodySchema = Type.Object({ uid: Type.String({ minLength: 1 }), password: Type.String() });
const testBody = validator(TestBodySchema, 'the test request');

const NOT_CONFIGURED = {
  title: 'Bad request',
  description: `No LDAP configuration is stored. PUT one to ${LDAP_CONFIG_PATH} first.`,
  code: ERR_LDAP_CONFIG_NOT_AVAILABLE,
};

/** DC/OS's LDAP configuration API: GET, PUT (200), DELETE (204), and POST .../test. */
export function ldapRoutes(ldap: LdapConfigStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get(LDAP_CONFIG_PATH, async (_request, reply) => {
      const config = await ldap.get();
      return config ? redactLdapConfig(config) : sendDcosError(reply, 400, NOT_CONFIGURED);
    });

    app.put(LDAP_CONFIG_PATH, async (request, reply) => {
      let config: ReturnType<typeof parseLdapConfig>;
      try {
        config = parseLdapConfig(request.body);
      } catch (err) {
        return sendDcosError(reply, 400, {
          title: 'Bad request',
          description: (err as Error).message,
          code: ERR_INVALID_DATA,
        });
      }
      await ldap.put(config);
      return reply.code(200).send(redactLdapConfig(config));
    });

    app.delete(LDAP_CONFIG_PATH, async (_request, reply) => {
      if (!(await ldap.delete())) return sendDcosError(reply, 400, NOT_CONFIGURED);
      return reply.code(204).send();
    });

    app.post(`${LDAP_CONFIG_PATH}/test`, async (request, reply) => {
      const config = await ldap.get();
      if (config === undefined) return sendDcosError(reply, 400, NOT_CONFIGURED);
      if (!testBody.check(request.body)) {
        return sendDcosError(reply, 400, {
          title: 'Bad request',
          description: 'The body must be {"uid": "...", "password": "..."}.',
          code: ERR_INVALID_DATA,
        });
      }
      const { uid, password } = request.body;
      try {
        const user = await authenticateWithLdap(config, uid, password);
        if (user === undefined) {
          return sendDcosError(reply, 400, {
            title: 'Test failed',
            description: `The directory did not accept ${uid} with that password.`,
            code: 'TEST_FAILED',
          });
        }
        return {
          code: 'TEST_PASSED',
          description: `${uid} (${user.dn}) authenticated and gets the ${user.role} role from ${user.groups.join(', ')}.`,
        };
      } catch (err) {
        if (!(err instanceof MesoliteError)) throw err;
        return sendDcosError(reply, 400, {
          title: 'Test failed',
          description: err.message,
          code: 'TEST_FAILED',
        });
      }
    });
  };
}
