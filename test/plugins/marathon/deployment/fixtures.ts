import type {
  DeployableApp,
  InstanceView,
  RootState,
} from '@mesolite/plugin-marathon/deployment/model';
import { rootState } from '@mesolite/plugin-marathon/deployment/model';
import type { PlanOptions } from '@mesolite/plugin-marathon/deployment/plan';

export const T0 = '2024-05-01T10:00:00.000Z';
export const T1 = '2024-05-01T11:00:00.000Z';
export const T2 = '2024-05-01T12:00:00.000Z';
export const NOW = Date.parse('2024-05-01T13:00:00.000Z');

/** An app at version T0 with one instance, no health checks and no dependencies. */
export function app(id: string, overrides: Partial<DeployableApp> = {}): DeployableApp {
  return {
    id,
    version: T0,
    lastConfigChangeAt: T0,
    instances: 1,
    dependencies: [],
    upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 },
    killSelection: 'YOUNGEST_FIRST',
    hasHealthChecks: false,
    ...overrides,
  };
}

/** The same app scaled: a new version, the same config. */
export function scaled(base: DeployableApp, instances: number, version = T1): DeployableApp {
  return { ...base, instances, version };
}

/** The same app with a new config: a new version that is also a config change. */
export function reconfigured(base: DeployableApp, version = T1): DeployableApp {
  return { ...base, version, lastConfigChangeAt: version };
}

export function state(...apps: DeployableApp[]): RootState {
  return rootState(apps);
}

/** Plan options with a fixed clock and predictable ids. */
export function planOptions(extra: Partial<PlanOptions> = {}): PlanOptions {
  let next = 0;
  return {
    now: () => NOW,
    newId: () => {
      next += 1;
      return `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
    },
    ...extra,
  };
}

/** A running instance of `/app` launched from config T0. */
export function instance(instanceId: string, overrides: Partial<InstanceView> = {}): InstanceView {
  return {
    instanceId,
    appId: '/app',
    version: T0,
    configVersion: T0,
    state: 'running',
    stagedAt: NOW - 60_000,
    startedAt: NOW - 50_000,
    agentId: 'agent-1',
    ...overrides,
  };
}

export function ids(instances: readonly InstanceView[]): string[] {
  return instances.map((i) => i.instanceId);
}
