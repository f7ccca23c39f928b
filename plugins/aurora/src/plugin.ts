/**
 * The Aurora plugin: Aurora's scheduler as a mesolite framework, with Thermos-style
 * tasks. It reaches the cluster only through the PluginContext's scheduler client and
 * keeps jobs, tasks and updates in its store.
 */
import type { PluginContext } from '@mesolite/daemon/plugins/plugin-api';
import { auroraRoutes } from './api/routes.js';
import { AuroraRuntime } from './scheduler/aurora-runtime.js';
import { JobOperations } from './scheduler/job-operations.js';
import { AURORA_PENALTIES, type PenaltySettings } from './scheduler/reschedule-penalty.js';
import { HTTP_CHECK_ARTIFACT, RUNNER_ARTIFACT } from './scheduler/task-info.js';
import { AuroraStore } from './state/aurora-store.js';

function seconds(value: unknown, fallbackMs: number): number {
  return typeof value === 'number' && value >= 0 ? value * 1000 : fallbackMs;
}

/** The scheduler's flapping settings, overridable in the plugin's config as Aurora's flags are. */
function penalties(config: Readonly<Record<string, unknown>>): PenaltySettings {
  return {
    flappingThresholdMs: seconds(
      config.flapping_task_threshold_secs,
      AURORA_PENALTIES.flappingThresholdMs,
    ),
    initialFlappingDelayMs: seconds(
      config.initial_flapping_task_delay_secs,
      AURORA_PENALTIES.initialFlappingDelayMs,
    ),
    maxFlappingDelayMs: seconds(
      config.max_flapping_task_delay_secs,
      AURORA_PENALTIES.maxFlappingDelayMs,
    ),
  };
}

export async function activate(context: PluginContext): Promise<void> {
  const store = new AuroraStore(context.store);
  const client = context.scheduler({ autoAcknowledge: true });
  const runtime = new AuroraRuntime(client, store, context.logger, {
    penalties: penalties(context.config),
    // Served by the master, so that every agent fetches them: it needs nothing but mesolite.
    programs: {
      runner: context.artifacts.get(RUNNER_ARTIFACT).uri,
      httpCheck: context.artifacts.get(HTTP_CHECK_ARTIFACT).uri,
    },
  });
  const operations = new JobOperations(runtime, store);
  await context.http.register(
    auroraRoutes({
      runtime,
      operations,
      frameworkId: () => client.frameworkId?.value,
      filesBase: context.masterUrl.replace(/\/$/, ''),
      fetch: (url) => context.fetch(url),
    }),
  );
  await runtime.start('aurora');
  // The web UI follows jobs live on the plugin's socket.io namespace.
  const io = context.io;
  if (io !== undefined) {
    const unsubscribe = runtime.onChange((key) =>
      io.emit('plugin_event', { eventType: 'aurora_job_changed', key }),
    );
    context.subscriptions.push({ dispose: unsubscribe });
  }
  context.subscriptions.push({ dispose: () => runtime.stop() }, { dispose: () => client.close() });
}
