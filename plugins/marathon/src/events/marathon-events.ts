import type { TaskState } from '@mesolite/daemon/protocol/mesos';

/**
 * The events of Marathon's event bus, as /v2/events sends them. Names, shapes and
 * nullability follow Marathon's core/event/Events.scala and the play-json writers in
 * api/v2/json/Formats.scala, not the older examples in docs/event-bus.md where the two
 * differ: consumers written for Marathon parse what Marathon actually sent.
 *
 * Every event carries `eventType` and `timestamp`, an ISO-8601 instant in UTC with
 * milliseconds (`2015-09-30T12:44:30.061Z`), as Marathon's Timestamp prints it.
 */
interface EventEnvelope<T extends string> {
  readonly eventType: T;
  readonly timestamp: string;
}

/**
 * JSON that another part of the plugin renders and an event only carries: an app as
 * /v2/apps shows it, or a health check as it appears in an app. The app and health
 * modules own those shapes; typing them as `object` here keeps the event module from
 * holding a second, drifting copy of them.
 */
export type RenderedJson = object;

/** One address of a task, as Marathon writes Mesos's NetworkInfo.IPAddress. */
export interface IpAddressJson {
  readonly ipAddress: string;
  readonly protocol: 'IPv4' | 'IPv6';
}

/** Marathon's DeploymentActionName. */
export type DeploymentActionName =
  | 'StartApplication'
  | 'StopApplication'
  | 'ScaleApplication'
  | 'RestartApplication'
  | 'StartPod'
  | 'StopPod'
  | 'ScalePod'
  | 'RestartPod'
  | 'ResolveArtifacts';

/** Marathon's RAML DeploymentAction: the run spec is named under `app` or `pod`, never both. */
export type DeploymentActionJson =
  | { readonly action: DeploymentActionName; readonly app: string }
  | { readonly action: DeploymentActionName; readonly pod: string };

/** Marathon's RAML DeploymentStep. */
export interface DeploymentStepJson {
  readonly actions: readonly DeploymentActionJson[];
}

/**
 * Marathon's RAML DeploymentPlan as events carry it: id, steps and version only (the
 * "light" plan; Marathon 1.8 removed the heavy form with original and target groups).
 */
export interface DeploymentPlanJson {
  readonly id: string;
  readonly steps: readonly DeploymentStepJson[];
  readonly version: string;
}

/** Marathon's instance Condition, written as its Scala name. */
export type InstanceCondition =
  | 'Scheduled'
  | 'Provisioned'
  | 'Error'
  | 'Failed'
  | 'Finished'
  | 'Killed'
  | 'Killing'
  | 'Running'
  | 'Staging'
  | 'Starting'
  | 'Unreachable'
  | 'UnreachableInactive'
  | 'Gone'
  | 'Dropped'
  | 'Unknown';

// --- API -------------------------------------------------------------------------------

/** A request that created, changed or deleted an app. */
export interface ApiPostEvent extends EventEnvelope<'api_post_event'> {
  readonly clientIp: string;
  readonly uri: string;
  readonly appDefinition: RenderedJson;
}

export type PodEventType = 'pod_created_event' | 'pod_updated_event' | 'pod_deleted_event';

/** A request that created, changed or deleted a pod. */
export interface PodEvent extends EventEnvelope<PodEventType> {
  readonly clientIp: string;
  readonly uri: string;
}

// --- Scheduler -------------------------------------------------------------------------

export interface SchedulerRegisteredEvent extends EventEnvelope<'scheduler_registered_event'> {
  readonly frameworkId: string;
  readonly master: string;
}

export interface SchedulerReregisteredEvent extends EventEnvelope<'scheduler_reregistered_event'> {
  readonly master: string;
}

export type SchedulerDisconnectedEvent = EventEnvelope<'scheduler_disconnected_event'>;

// --- Subscriptions ---------------------------------------------------------------------

/** An HTTP callback subscriber was added (`subscribe_event`) or removed (`unsubscribe_event`). */
export interface SubscriptionEvent extends EventEnvelope<'subscribe_event' | 'unsubscribe_event'> {
  readonly clientIp: string;
  readonly callbackUrl: string;
}

/** A client attached to or detached from /v2/events. */
export interface EventStreamEvent
  extends EventEnvelope<'event_stream_attached' | 'event_stream_detached'> {
  readonly remoteAddress: string;
}

// --- Health checks ---------------------------------------------------------------------

export interface AddHealthCheckEvent extends EventEnvelope<'add_health_check_event'> {
  readonly appId: string;
  readonly healthCheck: RenderedJson;
  readonly version: string;
}

export interface RemoveHealthCheckEvent extends EventEnvelope<'remove_health_check_event'> {
  readonly appId: string;
}

/**
 * A health check failed once. Marathon writes the failing instance's id under the key
 * `taskId`, and consumers read it from there.
 */
export interface FailedHealthCheckEvent extends EventEnvelope<'failed_health_check_event'> {
  readonly appId: string;
  readonly healthCheck: RenderedJson;
  readonly taskId: string;
}

/** An instance's health, as Marathon's health checks judge it, changed. */
export interface HealthStatusChangedEvent extends EventEnvelope<'health_status_changed_event'> {
  readonly appId: string;
  readonly instanceId: string;
  readonly version: string;
  readonly alive: boolean;
}

/** An instance was killed for failing too many health checks in a row. */
export interface UnhealthyInstanceKillEvent extends EventEnvelope<'unhealthy_instance_kill_event'> {
  readonly appId: string;
  readonly taskId: string;
  readonly instanceId: string;
  readonly version: string;
  readonly reason: string;
  readonly host: string;
  /** Absent, not null, when the agent is unknown: Marathon omits an empty Option here. */
  readonly slaveId?: string;
}

// --- Deployments -----------------------------------------------------------------------

export interface GroupChangeSuccessEvent extends EventEnvelope<'group_change_success'> {
  readonly groupId: string;
  readonly version: string;
}

export interface GroupChangeFailedEvent extends EventEnvelope<'group_change_failed'> {
  readonly groupId: string;
  readonly version: string;
  readonly reason: string;
}

export interface DeploymentSuccessEvent extends EventEnvelope<'deployment_success'> {
  readonly id: string;
  readonly plan: DeploymentPlanJson;
}

export interface DeploymentFailedEvent extends EventEnvelope<'deployment_failed'> {
  readonly id: string;
  readonly plan: DeploymentPlanJson;
  /** Absent when Marathon has no reason to give; it omits an empty Option here. */
  readonly reason?: string;
}

/** `deployment_info` starts a step; the other two end it. */
export type DeploymentStepEventType =
  | 'deployment_info'
  | 'deployment_step_success'
  | 'deployment_step_failure';

export interface DeploymentStepEvent extends EventEnvelope<DeploymentStepEventType> {
  readonly plan: DeploymentPlanJson;
  readonly currentStep: DeploymentStepJson;
}

// --- Tasks and instances ---------------------------------------------------------------

/** All instances of an app are gone after the app was removed. */
export interface AppTerminatedEvent extends EventEnvelope<'app_terminated_event'> {
  readonly appId: string;
}

/**
 * A Mesos status update for one of Marathon's tasks. `message` is the empty string when
 * Mesos gave none, `slaveId` is empty before the task reached an agent, and `version`
 * is the app version the task runs.
 */
export interface StatusUpdateEvent extends EventEnvelope<'status_update_event'> {
  readonly slaveId: string;
  readonly taskId: string;
  readonly taskStatus: TaskState;
  readonly message: string;
  readonly appId: string;
  readonly host: string;
  readonly ipAddresses: readonly IpAddressJson[];
  readonly ports: readonly number[];
  readonly version: string;
}

/** An instance's condition changed. `agentId` and `host` are null until it is placed. */
export interface InstanceChangedEvent extends EventEnvelope<'instance_changed_event'> {
  readonly instanceId: string;
  readonly condition: InstanceCondition;
  readonly runSpecId: string;
  readonly agentId: string | null;
  readonly host: string | null;
  readonly runSpecVersion: string;
}

/** Mesos reported a terminal state for an instance Marathon does not know. */
export interface UnknownInstanceTerminatedEvent
  extends EventEnvelope<'unknown_instance_terminated_event'> {
  readonly instanceId: string;
  readonly runSpecId: string;
  readonly condition: InstanceCondition;
}

/** An instance's health changed; `healthy` is null while it is not known yet. */
export interface InstanceHealthChangedEvent extends EventEnvelope<'instance_health_changed_event'> {
  readonly instanceId: string;
  readonly runSpecId: string;
  readonly healthy: boolean | null;
  readonly runSpecVersion: string;
}

/** Every event the Marathon plugin publishes. */
export type MarathonEvent =
  | ApiPostEvent
  | PodEvent
  | SchedulerRegisteredEvent
  | SchedulerReregisteredEvent
  | SchedulerDisconnectedEvent
  | SubscriptionEvent
  | EventStreamEvent
  | AddHealthCheckEvent
  | RemoveHealthCheckEvent
  | FailedHealthCheckEvent
  | HealthStatusChangedEvent
  | UnhealthyInstanceKillEvent
  | GroupChangeSuccessEvent
  | GroupChangeFailedEvent
  | DeploymentSuccessEvent
  | DeploymentFailedEvent
  | DeploymentStepEvent
  | AppTerminatedEvent
  | StatusUpdateEvent
  | InstanceChangedEvent
  | UnknownInstanceTerminatedEvent
  | InstanceHealthChangedEvent;

export type MarathonEventType = MarathonEvent['eventType'];

/** The event type(s) whose `eventType` is T: `MarathonEventOf<'deployment_info'>`. */
export type MarathonEventOf<T extends MarathonEventType> = MarathonEvent extends infer E
  ? E extends { readonly eventType: infer U }
    ? T extends U
      ? E & { readonly eventType: T }
      : never
    : never
  : never;

// A record keyed by every event type: adding a type to the union without listing it here
// (or listing one that does not exist) fails to compile.
const EVENT_TYPES: Record<MarathonEventType, true> = {
  api_post_event: true,
  pod_created_event: true,
  pod_updated_event: true,
  pod_deleted_event: true,
  scheduler_registered_event: true,
  scheduler_reregistered_event: true,
  scheduler_disconnected_event: true,
  subscribe_event: true,
  unsubscribe_event: true,
  event_stream_attached: true,
  event_stream_detached: true,
  add_health_check_event: true,
  remove_health_check_event: true,
  failed_health_check_event: true,
  health_status_changed_event: true,
  unhealthy_instance_kill_event: true,
  group_change_success: true,
  group_change_failed: true,
  deployment_success: true,
  deployment_failed: true,
  deployment_info: true,
  deployment_step_success: true,
  deployment_step_failure: true,
  app_terminated_event: true,
  status_update_event: true,
  instance_changed_event: true,
  unknown_instance_terminated_event: true,
  instance_health_changed_event: true,
};

/**
 * Every eventType the plugin sends: all of Marathon's but framework_message_event, as
 * mesolite relays no executor messages.
 */
export const MARATHON_EVENT_TYPES: readonly MarathonEventType[] = Object.freeze(
  Object.keys(EVENT_TYPES).filter(isMarathonEventType),
);

/** True for a name Marathon uses as an eventType. */
export function isMarathonEventType(name: string): name is MarathonEventType {
  return Object.hasOwn(EVENT_TYPES, name);
}
