/**
 * The master's read-only HTTP endpoints outside the v1 API: the v0 state JSON that
 * Mesos's web UI and many tools read, metrics in Mesos's JSON and in Prometheus's
 * text format, and the version.
 */
import type { FastifyInstance } from 'fastify';
import type { Master } from '../master.js';
import { versionInfo } from '../render/build-info.js';
import { metricsSnapshot } from '../render/metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from '../render/prometheus.js';
import { renderState, renderStateSummary } from '../render/v0-state.js';

export function stateEndpoints(master: Master) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/metrics/snapshot', async () => metricsSnapshot(master, Date.now()));
    app.get('/metrics', async (_request, reply) => {
      reply.type(PROMETHEUS_CONTENT_TYPE).send(renderPrometheus(master, Date.now()));
    });
    app.get('/version', async () => versionInfo(master));
    for (const path of ['/master/state', '/master/state.json', '/state', '/state.json']) {
      app.get(path, async (_request, reply) => {
        master.assertRecovered();
        reply.type('application/json').send(renderState(master));
      });
    }
    app.get('/master/state-summary', async (_request, reply) => {
      master.assertRecovered();
      reply.type('application/json').send(renderStateSummary(master));
    });
  };
}
