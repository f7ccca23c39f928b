/**
 * The master's read-only HTTP endpoints outside the v1 API: metrics in Mesos's JSON
 * and in Prometheus's text format, and the version.
 */
import type { FastifyInstance } from 'fastify';
import type { Master } from '../master.js';
import { versionInfo } from '../render/build-info.js';
import { metricsSnapshot } from '../render/metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../render/prometheus.js';

export function stateEndpoints(master: Master) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/metrics/snapshot', async () => metricsSnapshot(master, Date.now()));
    app.get('/metrics', async (_request, reply) => {
      reply.type(PROMETHEUS_CONTENT_TYPE).send(renderPrometheus(master, Date.now()));
    });
    app.get('/version', async () => versionInfo(master));
  };
}
