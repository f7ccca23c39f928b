/** The v1 scheduler API: `mesos.v1.scheduler.Call` and `Event` in JSON. */
import { type Static, Type } from 'typebox';
import {
  AgentID,
  ExecutorID,
  Filters,
  FrameworkID,
  FrameworkInfo,
  MasterInfo,
  Offer,
  OfferID,
  OfferOperation,
  TaskID,
  TaskStatus,
} from './mesos.js';

const Opt = Type.Optional;

export const SCHEDULER_CALL_TYPES = [
  'UNKNOWN',
  'SUBSCRIBE',
  'TEARDOWN',
  'ACCEPT',
  'DECLINE',
  'ACCEPT_INVERSE_OFFERS',
  'DECLINE_INVERSE_OFFERS',
  'REVIVE',
  'KILL',
  'SHUTDOWN',
  'ACKNOWLEDGE',
  'ACKNOWLEDGE_OPERATION_STATUS',
  'RECONCILE',
  'RECONCILE_OPERATIONS',
  'MESSAGE',
  'REQUEST',
  'SUPPRESS',
  'UPDATE_FRAMEWORK',
] as const;

export const SchedulerCall = Type.Object({
  framework_id: Opt(FrameworkID),
  type: Type.Enum([...SCHEDULER_CALL_TYPES]),
  subscribe: Opt(
    Type.Object({
      framework_info: FrameworkInfo,
      suppressed_roles: Opt(Type.Array(Type.String())),
    }),
  ),
  accept: Opt(
    Type.Object({
      offer_ids: Opt(Type.Array(OfferID)),
      operations: Opt(Type.Array(OfferOperation)),
      filters: Opt(Filters),
    }),
  ),
  decline: Opt(
    Type.Object({
      offer_ids: Opt(Type.Array(OfferID)),
      filters: Opt(Filters),
    }),
  ),
  revive: Opt(Type.Object({ roles: Opt(Type.Array(Type.String())) })),
  suppress: Opt(Type.Object({ roles: Opt(Type.Array(Type.String())) })),
  kill: Opt(
    Type.Object({
      task_id: TaskID,
      agent_id: Opt(AgentID),
      kill_policy: Opt(
        Type.Object({ grace_period: Opt(Type.Object({ nanoseconds: Type.Number() })) }),
      ),
    }),
  ),
  shutdown: Opt(Type.Object({ executor_id: ExecutorID, agent_id: AgentID })),
  acknowledge: Opt(
    Type.Object({ agent_id: AgentID, task_id: TaskID, uuid: Type.String({ minLength: 1 }) }),
  ),
  reconcile: Opt(
    Type.Object({
      tasks: Opt(Type.Array(Type.Object({ task_id: TaskID, agent_id: Opt(AgentID) }))),
    }),
  ),
  message: Opt(Type.Object({ agent_id: AgentID, executor_id: ExecutorID, data: Type.String() })),
  request: Opt(Type.Object({})),
  update_framework: Opt(
    Type.Object({
      framework_info: FrameworkInfo,
      suppressed_roles: Opt(Type.Array(Type.String())),
    }),
  ),
});
export type SchedulerCall = Static<typeof SchedulerCall>;
export type SchedulerCallType = SchedulerCall['type'];

export const SchedulerEvent = Type.Object({
  type: Type.Enum([
    'UNKNOWN',
    'SUBSCRIBED',
    'OFFERS',
    'INVERSE_OFFERS',
    'RESCIND',
    'RESCIND_INVERSE_OFFER',
    'UPDATE',
    'UPDATE_OPERATION_STATUS',
    'MESSAGE',
    'FAILURE',
    'ERROR',
    'HEARTBEAT',
  ]),
  subscribed: Opt(
    Type.Object({
      framework_id: FrameworkID,
      heartbeat_interval_seconds: Opt(Type.Number()),
      master_info: Opt(MasterInfo),
    }),
  ),
  offers: Opt(Type.Object({ offers: Type.Array(Offer) })),
  rescind: Opt(Type.Object({ offer_id: OfferID })),
  update: Opt(Type.Object({ status: TaskStatus })),
  message: Opt(Type.Object({ agent_id: AgentID, executor_id: ExecutorID, data: Type.String() })),
  failure: Opt(
    Type.Object({
      agent_id: Opt(AgentID),
      executor_id: Opt(ExecutorID),
      status: Opt(Type.Integer()),
    }),
  ),
  error: Opt(Type.Object({ message: Type.String() })),
});
export type SchedulerEvent = Static<typeof SchedulerEvent>;
