/**
 * The Marathon plugin: Marathon's v2 REST API and its "init system" behaviour as a
 * mesolite framework. It reaches the cluster only through the PluginContext's
 * scheduler client, and keeps everything it must not forget in its store.
 */
import type { PluginContext } from '@mesolite/daemon/plugins/plugin-api';
import { appsRoutes } from './api/apps-routes.js';
import { groupsRoutes } from './api/groups-routes.js';
import { infoRoutes } from './api/info-routes.js';
import type { AppDefinition } from './app/schema.js';
import { marathonAdapter, marathonApps } from './app-module.js';
import { stepsJson } from './deployment/index.js';
import {
  apiPostEvent,
  appTerminatedEvent,
  deploymentFailedEvent,
  deploymentInfoEvent,
  deploymentStepSuccessEvent,
  deploymentSuccessEvent,
  EventBus,
  eventStreamRoutes,
  healthStatusChangedEvent,
  statusUpdateEvent,
} from './events/index.js';
import { type AppPlan, MarathonService } from './marathon-service.js';
import { DeploymentRunner } from './runtime/deployment-runner.js';
import { MarathonRuntime } from './runtime/marathon-runtime.js';
import { ServicePortManager } from './service-ports/index.js';
import { instanceIpAddresses, isActive } from './state/instance.js';
import { MarathonStore } from './state/marathon-store.js';

export const MARATHON_VERSION = '1.11.0';

type Plan = AppPlan<AppDefinition>;

function planJson(plan: Plan) {
  return { id: plan.id, steps: stepsJson(plan), version: plan.version };
}

function servicePorts(app: AppDefinition): number[] {
  const mappings = app.container?.portMappings;
  if (!app.portDefinitions && mappings) return mappings.map((mapping) => mapping.servicePort ?? 0);
  return (app.portDefinitions ?? []).map((definition) => definition.port);
}

export async function activate(context: PluginContext): Promise<void> {
  const logger = context.logger;
  const store = new MarathonStore(context.store);
  const bus = new EventBus({ log: logger });
  const client = context.scheduler({ autoAcknowledge: true });
  const proxies = new ServicePortManager({ host: context.host, log: logger });

  const syncServicePorts = (appId: string) => {
    const app = runtime.apps.get(appId);
    if (!app) {
      void proxies.removeApp(appId).catch(() => undefined);
      return;
    }
    const healthy = runtime
      .instancesOf(appId)
      .filter((instance) => instance.state === 'TASK_RUNNING' && !instance.killing)
      .filter((instance) => app.healthChecks.length === 0 || instance.healthy === true)
      .map((instance) => ({ id: instance.taskId, host: instance.host, ports: instance.ports }));
    proxies.syncApp(appId, servicePorts(app), healthy).catch((err: unknown) => {
      logger.warn({ err, appId }, 'could not serve the app’s service ports');
    });
  };

  const runtime: MarathonRuntime<AppDefinition> = new MarathonRuntime(
    client,
    store,
    marathonAdapter,
    {
      statusUpdate(instance, status) {
        bus.publish(
          statusUpdateEvent({
            slaveId: instance.agentId,
            taskId: instance.taskId,
            taskStatus: status.state,
            message: status.message ?? '',
            appId: instance.appId,
            host: instance.host,
            ipAddresses: instanceIpAddresses(instance),
            ports: instance.ports,
            version: instance.version,
          }),
        );
        syncServicePorts(instance.appId);
      },
      healthChanged(instance, healthy) {
        bus.publish(
          healthStatusChangedEvent({
            appId: instance.appId,
            instanceId: instance.taskId,
            version: instance.version,
            alive: healthy,
          }),
        );
        syncServicePorts(instance.appId);
      },
      instanceGone(instance) {
        syncServicePorts(instance.appId);
      },
    },
    logger,
  );

  const runner = new DeploymentRunner<Plan>(
    store,
    {
      started: (plan) =>
        bus.publish(
          deploymentInfoEvent({
            plan: planJson(plan),
            currentStep: stepsJson(plan)[0] ?? { actions: [] },
          }),
        ),
      stepSucceeded: (plan, step) =>
        bus.publish(
          deploymentStepSuccessEvent({
            plan: planJson(plan),
            currentStep: stepsJson(plan)[step - 1] ?? { actions: [] },
          }),
        ),
      succeeded: (plan) => {
        bus.publish(deploymentSuccessEvent({ id: plan.id, plan: planJson(plan) }));
        for (const appId of plan.original.apps.keys()) {
          if (!plan.target.apps.has(appId)) bus.publish(appTerminatedEvent({ appId }));
        }
      },
      failed: (plan, reason) =>
        bus.publish(deploymentFailedEvent({ id: plan.id, plan: planJson(plan), reason })),
    },
    logger,
    (plan, currentStep) => ({
      id: plan.id,
      version: plan.version,
      currentStep,
      steps: stepsJson(plan),
    }),
  );
  runtime.deployments = runner;

  const service = new MarathonService(marathonApps, runtime, runner, store, logger);
  const storedApps = await store.apps<Record<string, unknown>>();
  // Stored apps keep the version and versionInfo they were stamped with.
  const apps = storedApps.map((json): AppDefinition => {
    const version = String(json.version);
    const versionInfo = (json.versionInfo as AppDefinition['versionInfo']) ?? {
      lastConfigChangeAt: version,
      lastScalingAt: version,
    };
    return { ...marathonApps.parse(json, {}), version, versionInfo };
  });
  for (const [group, dependencies] of Object.entries(await store.groups())) {
    service.groupDependencies.set(group, dependencies);
  }

  bus.subscribe((event) => {
    if (event.eventType === 'deployment_success' || event.eventType === 'deployment_failed') {
      for (const app of runtime.apps.values()) syncServicePorts(app.id);
    }
  });

  context.http.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || reply.statusCode >= 400 || !request.url.startsWith('/v2/apps'))
      return;
    const appId = /^\/v2\/apps(\/[^?]*)?/.exec(request.url)?.[1];
    const stored = appId
      ? runtime.apps.get(appId.replace(/\/(restart|tasks.*|versions.*)$/, ''))
      : undefined;
    bus.publish(
      apiPostEvent({
        clientIp: request.ip,
        uri: request.url,
        appDefinition: stored ? marathonApps.toJson(stored) : {},
      }),
    );
  });
  await context.http.register(
    infoRoutes({
      version: MARATHON_VERSION,
      frameworkId: () => client.frameworkId?.value,
      leader: () => `${context.host}:8080`,
      masterUrl: context.masterUrl,
      counts: () => {
        const instances = [...runtime.instances.values()].filter(isActive);
        return {
          apps: runtime.apps.size,
          tasksRunning: instances.filter((i) => i.state === 'TASK_RUNNING').length,
          tasksStaged: instances.filter((i) => i.state === 'TASK_STAGING').length,
          deployments: runner.plans().length,
          queued: [...runtime.queue.values()].reduce((sum, entry) => sum + entry.count, 0),
        };
      },
    }),
  );
  await context.http.register(appsRoutes(service));
  await context.http.register(groupsRoutes(service));
  await context.http.register(eventStreamRoutes(bus));

  // Stored deployments are resumed before the runtime's first tick: keep-alive alone would
  // take the new instances of a rolling restart, launched before a failover or a kill -9,
  // for surplus ones and replace them.
  for (const app of apps) runtime.apps.set(marathonAdapter.id(app), app);
  service.resume(await store.deployments());
  await runtime.start('marathon', apps);
  for (const app of apps) syncServicePorts(app.id);

  // The web UI follows Marathon live on the plugin's socket.io namespace.
  const io = context.io;
  if (io) {
    const unsubscribe = bus.subscribe((event) => io.emit('plugin_event', event));
    context.subscriptions.push({ dispose: unsubscribe });
  }
  context.subscriptions.push(
    { dispose: () => runtime.stop() },
    { dispose: () => client.close() },
    { dispose: () => proxies.stop() },
  );
}
