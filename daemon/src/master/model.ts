/**
 * The master's in-memory view of the cluster. The master mutates it; the API
 * renderers (operator responses, /master/state, metrics) only read it through
 * {@link ClusterView}.
 */
import type {
  AgentInfo,
  FrameworkInfo,
  MasterInfo,
  Offer,
  Resource,
  Task,
  TaskState,
} from '../protocol/mesos.js';

export interface AgentRecord {
  id: string;
  info: AgentInfo & { id: { value: string } };
  /** Registered and connected now. */
  connected: boolean;
  /** Known from the registry after a master restart, not yet re-registered. */
  recovered: boolean;
  /** Marked unreachable (its tasks were reported TASK_UNREACHABLE/TASK_LOST). */
  unreachable: boolean;
  unreachableTime?: number;
  registeredTime: number;
  reregisteredTime?: number;
  version: string;
  total: Resource[];
}

export interface FrameworkRecord {
  id: string;
  info: FrameworkInfo & { id: { value: string } };
  connected: boolean;
  active: boolean;
  /** Known from the registry after a master restart, not yet re-subscribed. */
  recovered: boolean;
  registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime?: number;
  suppressed: boolean;
}

export interface ClusterView {
  readonly masterInfo: MasterInfo;
  readonly startTime: number;
  readonly electedTime: number;
  readonly flags: ReadonlyMap<string, string>;
  readonly agents: ReadonlyMap<string, AgentRecord>;
  readonly frameworks: ReadonlyMap<string, FrameworkRecord>;
  readonly completedFrameworks: readonly FrameworkRecord[];
  /** Active tasks by framework id, then task id. Includes unacknowledged terminal tasks. */
  readonly tasks: ReadonlyMap<string, ReadonlyMap<string, Task>>;
  readonly unreachableTasks: ReadonlyMap<string, ReadonlyMap<string, Task>>;
  /** Terminal tasks, oldest first, bounded. */
  readonly completedTasks: readonly Task[];
  readonly offers: ReadonlyMap<string, Offer>;
  /** Resources in use by tasks on an agent. */
  usedResources(agentId: string): Resource[];
  /** Resources offered and not yet answered on an agent. */
  offeredResources(agentId: string): Resource[];
  frameworkUsedResources(frameworkId: string): Resource[];
  frameworkOfferedResources(frameworkId: string): Resource[];
  readonly counters: Readonly<MasterCounters>;
}

export interface MasterCounters {
  validStatusUpdates: number;
  invalidStatusUpdates: number;
  tasksByState: Record<TaskState, number>;
  offersSent: number;
  offersDeclined: number;
  offersRescinded: number;
  offersAccepted: number;
  schedulerCalls: number;
  operatorCalls: number;
}
