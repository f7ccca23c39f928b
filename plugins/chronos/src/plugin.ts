/**
 * The Chronos plugin: Chronos's REST API and its scheduler as a mesolite framework. It
 * reaches the cluster only through the PluginContext's scheduler client and keeps
 * everything it must not forget (jobs, their schedules' cursors, runs in flight) in
 * its store.
 */
import type { PluginContext } from '@mesolite/daemon/plugins/plugin-api';
import { registerChronosApi } from './api/scheduler-routes.js';
import { FailureWebhook } from './notify/failure-webhook.js';
import { readConfig } from './plugin-config.js';
import { ChronosRuntime } from './runtime/chronos-runtime.js';
import { ChronosStore } from './state/chronos-store.js';

export async function activate(context: PluginContext): Promise<void> {
  const config = readConfig(context.config);
  const store = new ChronosStore(context.store);
  const client = context.scheduler({ autoAcknowledge: true });
  const webhook = new FailureWebhook(context.logger);
  const runtime = new ChronosRuntime(
    client,
    store,
    webhook,
    {
      defaults: { epsilon: config.epsilon, runAsUser: config.runAsUser },
      failureRetryMs: config.failureRetrySeconds * 1000,
      asyncTimeoutMs: config.asyncTimeoutSeconds * 1000,
      historyLimit: config.historyLimit,
      // Chronos's callback; with auth on, an async task also gets a token for it alone.
      callback: async (taskId, withToken) => {
        const { url, token } = await context.taskCallback({
          method: 'PUT',
          path: `/scheduler/task/${encodeURIComponent(taskId)}`,
          lifetimeSeconds: config.asyncTimeoutSeconds,
        });
        return { url, token: withToken ? token : undefined };
      },
    },
    context.logger,
  );
  await registerChronosApi(context.http, runtime);
  await runtime.start(context.name, await store.jobs());
  context.subscriptions.push(
    { dispose: () => runtime.stop() },
    { dispose: () => client.close() },
    { dispose: () => webhook.stop() },
  );
}
