import type {
  AddHealthCheckEvent,
  ApiPostEvent,
  AppTerminatedEvent,
  DeploymentFailedEvent,
  DeploymentStepEvent,
  DeploymentStepEventType,
  DeploymentSuccessEvent,
  EventStreamEvent,
  FailedHealthCheckEvent,
  GroupChangeFailedEvent,
  GroupChangeSuccessEvent,
  HealthStatusChangedEvent,
  InstanceChangedEvent,
  InstanceHealthChangedEvent,
  PodEvent,
  PodEventType,
  RemoveHealthCheckEvent,
  RenderedJson,
  SchedulerDisconnectedEvent,
  SchedulerRegisteredEvent,
  SchedulerReregisteredEvent,
  StatusUpdateEvent,
  SubscriptionEvent,
  UnhealthyInstanceKillEvent,
  UnknownInstanceTerminatedEvent,
} from './marathon-events.js';

/*
 * One builder per event type. Each takes the event's own fields and the instant it
 * happened (now unless given, so tests and replays can pin it), and lays the keys out in
 * the order Marathon's JSON writers do, so the stream reads byte for byte like
 * Marathon's where the values agree.
 */

/** The fields a caller gives: everything but the envelope. */
export type EventFields<E> = Omit<E, 'eventType' | 'timestamp'>;

/** Marathon's timestamp format: UTC, millisecond precision, `Z` suffix. */
export function marathonTimestamp(at: Date): string {
  return at.toISOString();
}

export function apiPostEvent(fields: EventFields<ApiPostEvent>, at = new Date()): ApiPostEvent {
  return {
    clientIp: fields.clientIp,
    uri: fields.uri,
    appDefinition: fields.appDefinition,
    eventType: 'api_post_event',
    timestamp: marathonTimestamp(at),
  };
}

function podEvent(eventType: PodEventType, fields: EventFields<PodEvent>, at: Date): PodEvent {
  return {
    clientIp: fields.clientIp,
    uri: fields.uri,
    eventType,
    timestamp: marathonTimestamp(at),
  };
}

export function podCreatedEvent(fields: EventFields<PodEvent>, at = new Date()): PodEvent {
  return podEvent('pod_created_event', fields, at);
}

export function podUpdatedEvent(fields: EventFields<PodEvent>, at = new Date()): PodEvent {
  return podEvent('pod_updated_event', fields, at);
}

export function podDeletedEvent(fields: EventFields<PodEvent>, at = new Date()): PodEvent {
  return podEvent('pod_deleted_event', fields, at);
}

export function schedulerRegisteredEvent(
  fields: EventFields<SchedulerRegisteredEvent>,
  at = new Date(),
): SchedulerRegisteredEvent {
  return {
    frameworkId: fields.frameworkId,
    master: fields.master,
    eventType: 'scheduler_registered_event',
    timestamp: marathonTimestamp(at),
  };
}

export function schedulerReregisteredEvent(
  fields: EventFields<SchedulerReregisteredEvent>,
  at = new Date(),
): SchedulerReregisteredEvent {
  return {
    master: fields.master,
    eventType: 'scheduler_reregistered_event',
    timestamp: marathonTimestamp(at),
  };
}

export function schedulerDisconnectedEvent(at = new Date()): SchedulerDisconnectedEvent {
  return { eventType: 'scheduler_disconnected_event', timestamp: marathonTimestamp(at) };
}

export function subscribeEvent(
  fields: EventFields<SubscriptionEvent>,
  at = new Date(),
): SubscriptionEvent {
  return {
    clientIp: fields.clientIp,
    callbackUrl: fields.callbackUrl,
    eventType: 'subscribe_event',
    timestamp: marathonTimestamp(at),
  };
}

export function unsubscribeEvent(
  fields: EventFields<SubscriptionEvent>,
  at = new Date(),
): SubscriptionEvent {
  return {
    clientIp: fields.clientIp,
    callbackUrl: fields.callbackUrl,
    eventType: 'unsubscribe_event',
    timestamp: marathonTimestamp(at),
  };
}

export function eventStreamAttached(
  fields: EventFields<EventStreamEvent>,
  at = new Date(),
): EventStreamEvent {
  return {
    remoteAddress: fields.remoteAddress,
    eventType: 'event_stream_attached',
    timestamp: marathonTimestamp(at),
  };
}

export function eventStreamDetached(
  fields: EventFields<EventStreamEvent>,
  at = new Date(),
): EventStreamEvent {
  return {
    remoteAddress: fields.remoteAddress,
    eventType: 'event_stream_detached',
    timestamp: marathonTimestamp(at),
  };
}

export function addHealthCheckEvent(
  fields: EventFields<AddHealthCheckEvent>,
  at = new Date(),
): AddHealthCheckEvent {
  return {
    appId: fields.appId,
    eventType: 'add_health_check_event',
    healthCheck: fields.healthCheck,
    timestamp: marathonTimestamp(at),
    version: fields.version,
  };
}

export function removeHealthCheckEvent(
  fields: EventFields<RemoveHealthCheckEvent>,
  at = new Date(),
): RemoveHealthCheckEvent {
  return {
    appId: fields.appId,
    eventType: 'remove_health_check_event',
    timestamp: marathonTimestamp(at),
  };
}

/**
 * Takes the failing instance's id as `instanceId` and writes it under `taskId`, where
 * Marathon's writer puts it.
 */
export function failedHealthCheckEvent(
  fields: {
    readonly appId: string;
    readonly instanceId: string;
    readonly healthCheck: RenderedJson;
  },
  at = new Date(),
): FailedHealthCheckEvent {
  return {
    appId: fields.appId,
    eventType: 'failed_health_check_event',
    healthCheck: fields.healthCheck,
    taskId: fields.instanceId,
    timestamp: marathonTimestamp(at),
  };
}

export function healthStatusChangedEvent(
  fields: EventFields<HealthStatusChangedEvent>,
  at = new Date(),
): HealthStatusChangedEvent {
  return {
    appId: fields.appId,
    instanceId: fields.instanceId,
    version: fields.version,
    alive: fields.alive,
    eventType: 'health_status_changed_event',
    timestamp: marathonTimestamp(at),
  };
}

export function unhealthyInstanceKillEvent(
  fields: EventFields<UnhealthyInstanceKillEvent>,
  at = new Date(),
): UnhealthyInstanceKillEvent {
  return {
    appId: fields.appId,
    taskId: fields.taskId,
    instanceId: fields.instanceId,
    version: fields.version,
    reason: fields.reason,
    host: fields.host,
    ...(fields.slaveId === undefined ? {} : { slaveId: fields.slaveId }),
    eventType: 'unhealthy_instance_kill_event',
    timestamp: marathonTimestamp(at),
  };
}

export function groupChangeSuccessEvent(
  fields: EventFields<GroupChangeSuccessEvent>,
  at = new Date(),
): GroupChangeSuccessEvent {
  return {
    groupId: fields.groupId,
    version: fields.version,
    eventType: 'group_change_success',
    timestamp: marathonTimestamp(at),
  };
}

export function groupChangeFailedEvent(
  fields: EventFields<GroupChangeFailedEvent>,
  at = new Date(),
): GroupChangeFailedEvent {
  return {
    groupId: fields.groupId,
    version: fields.version,
    reason: fields.reason,
    eventType: 'group_change_failed',
    timestamp: marathonTimestamp(at),
  };
}

export function deploymentSuccessEvent(
  fields: EventFields<DeploymentSuccessEvent>,
  at = new Date(),
): DeploymentSuccessEvent {
  return {
    id: fields.id,
    plan: fields.plan,
    eventType: 'deployment_success',
    timestamp: marathonTimestamp(at),
  };
}

export function deploymentFailedEvent(
  fields: EventFields<DeploymentFailedEvent>,
  at = new Date(),
): DeploymentFailedEvent {
  return {
    id: fields.id,
    plan: fields.plan,
    eventType: 'deployment_failed',
    timestamp: marathonTimestamp(at),
    ...(fields.reason === undefined ? {} : { reason: fields.reason }),
  };
}

function deploymentStepEvent(
  eventType: DeploymentStepEventType,
  fields: EventFields<DeploymentStepEvent>,
  at: Date,
): DeploymentStepEvent {
  return {
    plan: fields.plan,
    currentStep: fields.currentStep,
    eventType,
    timestamp: marathonTimestamp(at),
  };
}

/** `deployment_info`: a deployment started one of its steps. */
export function deploymentInfoEvent(
  fields: EventFields<DeploymentStepEvent>,
  at = new Date(),
): DeploymentStepEvent {
  return deploymentStepEvent('deployment_info', fields, at);
}

export function deploymentStepSuccessEvent(
  fields: EventFields<DeploymentStepEvent>,
  at = new Date(),
): DeploymentStepEvent {
  return deploymentStepEvent('deployment_step_success', fields, at);
}

export function deploymentStepFailureEvent(
  fields: EventFields<DeploymentStepEvent>,
  at = new Date(),
): DeploymentStepEvent {
  return deploymentStepEvent('deployment_step_failure', fields, at);
}

export function appTerminatedEvent(
  fields: EventFields<AppTerminatedEvent>,
  at = new Date(),
): AppTerminatedEvent {
  return {
    appId: fields.appId,
    eventType: 'app_terminated_event',
    timestamp: marathonTimestamp(at),
  };
}

export function statusUpdateEvent(
  fields: EventFields<StatusUpdateEvent>,
  at = new Date(),
): StatusUpdateEvent {
  return {
    slaveId: fields.slaveId,
    taskId: fields.taskId,
    taskStatus: fields.taskStatus,
    message: fields.message,
    appId: fields.appId,
    host: fields.host,
    ipAddresses: [...fields.ipAddresses],
    ports: [...fields.ports],
    version: fields.version,
    eventType: 'status_update_event',
    timestamp: marathonTimestamp(at),
  };
}

export function instanceChangedEvent(
  fields: EventFields<InstanceChangedEvent>,
  at = new Date(),
): InstanceChangedEvent {
  return {
    instanceId: fields.instanceId,
    condition: fields.condition,
    runSpecId: fields.runSpecId,
    agentId: fields.agentId,
    host: fields.host,
    runSpecVersion: fields.runSpecVersion,
    timestamp: marathonTimestamp(at),
    eventType: 'instance_changed_event',
  };
}

export function unknownInstanceTerminatedEvent(
  fields: EventFields<UnknownInstanceTerminatedEvent>,
  at = new Date(),
): UnknownInstanceTerminatedEvent {
  return {
    instanceId: fields.instanceId,
    runSpecId: fields.runSpecId,
    condition: fields.condition,
    timestamp: marathonTimestamp(at),
    eventType: 'unknown_instance_terminated_event',
  };
}

export function instanceHealthChangedEvent(
  fields: EventFields<InstanceHealthChangedEvent>,
  at = new Date(),
): InstanceHealthChangedEvent {
  return {
    instanceId: fields.instanceId,
    runSpecId: fields.runSpecId,
    healthy: fields.healthy,
    runSpecVersion: fields.runSpecVersion,
    timestamp: marathonTimestamp(at),
    eventType: 'instance_health_changed_event',
  };
}
