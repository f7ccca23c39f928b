/**
 * The few facts about apps and instances that deployment decisions need. They are kept
 * apart from the full app definition on purpose: plans and decisions are pure functions
 * of these views, and the plugin maps its own records onto them.
 */

/** Which instances go first when some must be killed (Marathon's `killSelection`). */
export type KillSelection = 'YOUNGEST_FIRST' | 'OLDEST_FIRST';

/** Marathon's default `killSelection`. */
export const DEFAULT_KILL_SELECTION: KillSelection = 'YOUNGEST_FIRST';

/** Marathon's `upgradeStrategy`: both are fractions of `instances`, between 0 and 1. */
export interface UpgradeStrategy {
  readonly minimumHealthCapacity: number;
  readonly maximumOverCapacity: number;
}

/**
 * How long an unreachable instance still counts before it is replaced, and before it is
 * forgotten altogether (Marathon's `unreachableStrategy`); `'disabled'` keeps it forever.
 */
export type UnreachableStrategy =
  | { readonly inactiveAfterSeconds: number; readonly expungeAfterSeconds: number }
  | 'disabled';

/**
 * Marathon's code uses 0/0 for an app that gives no strategy, although its docs still
 * say 300/600 (see the Marathon section of CLARIFICATIONS.md).
 */
export const DEFAULT_UNREACHABLE_STRATEGY: UnreachableStrategy = {
  inactiveAfterSeconds: 0,
  expungeAfterSeconds: 0,
};

/** What a deployment needs to know about one app definition. */
export interface DeployableApp {
  /** Canonical absolute id, such as `/prod/web`; groups are implied by the ids. */
  readonly id: string;
  /** Marathon's `version`: changes with every change of the definition, scaling included. */
  readonly version: string;
  /**
   * Marathon's `versionInfo.lastConfigChangeAt`: changes when anything but `instances`
   * changes, and when a restart is requested. Instances launched from another config are
   * the ones a restart replaces.
   */
  readonly lastConfigChangeAt: string;
  readonly instances: number;
  /** Ids of apps or groups this app depends on; relative ids are read against its group. */
  readonly dependencies: readonly string[];
  readonly upgradeStrategy: UpgradeStrategy;
  readonly killSelection: KillSelection;
  readonly hasHealthChecks: boolean;
  /** {@link DEFAULT_UNREACHABLE_STRATEGY} when absent. */
  readonly unreachableStrategy?: UnreachableStrategy;
}

/**
 * Whether two views are the same app definition. Every change of a definition gives it a
 * new version, so the versions and the instance count are enough to tell.
 */
export function sameDefinition(a: DeployableApp, b: DeployableApp): boolean {
  return (
    a === b ||
    (a.version === b.version &&
      a.lastConfigChangeAt === b.lastConfigChangeAt &&
      a.instances === b.instances)
  );
}

/**
 * The apps before or after a change: every app keyed by its id, plus the dependencies
 * declared on groups, which every app under such a group inherits. Generic so that callers
 * can carry their full definitions through plans and rollbacks.
 */
export interface RootState<A extends DeployableApp = DeployableApp> {
  readonly apps: ReadonlyMap<string, A>;
  /** Group id → ids of the apps or groups it depends on. */
  readonly groupDependencies?: ReadonlyMap<string, readonly string[]>;
}

/** Builds a {@link RootState} from a list of apps. */
export function rootState<A extends DeployableApp>(
  apps: Iterable<A>,
  groupDependencies?: ReadonlyMap<string, readonly string[]>,
): RootState<A> {
  const byId = new Map<string, A>();
  for (const app of apps) {
    byId.set(app.id, app);
  }
  return groupDependencies === undefined ? { apps: byId } : { apps: byId, groupDependencies };
}

/**
 * An instance's condition, Marathon's names in lower case. `scheduled` is an instance
 * waiting in the launch queue for an offer; `killing` is one whose kill has been sent
 * (the caller marks it so as soon as it sends the kill, so that the next decision does
 * not kill it twice).
 */
export type InstanceState =
  | 'scheduled'
  | 'staging'
  | 'starting'
  | 'running'
  | 'killing'
  | 'unreachable'
  | 'finished'
  | 'failed'
  | 'killed'
  | 'lost'
  | 'error'
  | 'gone'
  | 'dropped'
  | 'unknown';

/** States after which an instance never runs again. */
export const TERMINAL_STATES: ReadonlySet<InstanceState> = new Set<InstanceState>([
  'finished',
  'failed',
  'killed',
  'lost',
  'error',
  'gone',
  'dropped',
  'unknown',
]);

/** What a deployment needs to know about one instance of an app. */
export interface InstanceView {
  readonly instanceId: string;
  readonly appId: string;
  /** The app `version` it was launched from, as /v2/tasks reports it. */
  readonly version: string;
  /** The `lastConfigChangeAt` of that app version: tells old config from new. */
  readonly configVersion: string;
  readonly state: InstanceState;
  /** The health checks' verdict; absent while there is none yet (or no health checks). */
  readonly healthy?: boolean;
  /** Epoch milliseconds when the instance was staged. */
  readonly stagedAt?: number;
  /** Epoch milliseconds when the instance started running. */
  readonly startedAt?: number;
  /** Epoch milliseconds when the instance became unreachable. */
  readonly unreachableSince?: number;
  readonly agentId?: string;
}
