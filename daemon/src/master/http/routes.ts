import type { FastifyInstance } from 'fastify';
import type { Master } from '../master.js';
import { operatorEndpoint } from './operator-endpoint.js';
import { schedulerEndpoint } from './scheduler-endpoint.js';
import { stateEndpoints } from './state-endpoints.js';

/** Every HTTP endpoint of the master, registered once at / and once under /mesos/. */
export function masterRoutes(master: Master) {
  return async function routes(app: FastifyInstance): Promise<void> {
    await app.register(schedulerEndpoint(master));
    await app.register(operatorEndpoint(master));
    await app.register(stateEndpoints(master));
  };
}
