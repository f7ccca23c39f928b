/**
 * A Mesos task state as the Aurora ScheduleStatus it means, as Aurora's scheduler maps
 * the executor's updates (TaskStateMachine): STAGING is ASSIGNED, the failure-like ends
 * are FAILED, and the agent-lost-like ones LOST.
 */
import type { TaskStatus } from '@mesolite/daemon/protocol/mesos';
import type { ScheduleStatus } from '../state/records.js';

export function scheduleStatus(state: TaskStatus['state']): ScheduleStatus {
  switch (state) {
    case 'TASK_STAGING':
      return 'ASSIGNED';
    case 'TASK_STARTING':
      return 'STARTING';
    case 'TASK_RUNNING':
      return 'RUNNING';
    case 'TASK_KILLING':
      return 'KILLING';
    case 'TASK_FINISHED':
      return 'FINISHED';
    case 'TASK_KILLED':
      return 'KILLED';
    case 'TASK_FAILED':
    case 'TASK_ERROR':
      return 'FAILED';
    default:
      return 'LOST';
  }
}
