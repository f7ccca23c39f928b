/**
 * Validation of the tasks in a LAUNCH or LAUNCH_GROUP against the offered
 * resources, with Mesos's rules and messages (src/master/validation.cpp). Pure: it
 * decides which tasks launch and which are answered with TASK_ERROR.
 */
import type { ExecutorInfo, TaskInfo, TaskReason } from '../protocol/mesos.js';
import { ResourceBag } from './resources/resource-bag.js';

export interface LaunchRequest {
  tasks: readonly TaskInfo[];
  executor: ExecutorInfo | undefined;
  isGroup: boolean;
  agentId: string;
  frameworkId: string;
  available: ResourceBag;
  taskExists(taskId: string): boolean;
}

export interface RejectedTask {
  task: TaskInfo;
  reason: TaskReason;
  message: string;
}

export interface LaunchDecision {
  accepted: TaskInfo[];
  rejected: RejectedTask[];
  /** The resources the accepted tasks (and a group's executor) take from the offer. */
  used: ResourceBag;
}

const NAME_MAX = 255;

export function validateId(id: string): string | undefined {
  if (id.length === 0) return 'ID must not be empty';
  if (id.length > NAME_MAX) return `ID must not be greater than ${NAME_MAX} characters`;
  if (id === '.' || id === '..') return `'${id}' is disallowed`;
  // Ids become directory names in sandboxes, so no separators or control characters.
  const invalid = [...id].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || code === 0x7f || char === '/' || char === '\\';
  });
  if (invalid) return `'${id}' contains invalid characters`;
  return undefined;
}

function validateTaskShape(task: TaskInfo, request: LaunchRequest): string | undefined {
  const idError = validateId(task.task_id.value);
  if (idError) return `Task has an invalid TaskID: ${idError}`;
  if (task.agent_id.value !== request.agentId) {
    return `Task uses invalid agent: ${task.agent_id.value}`;
  }
  if (request.isGroup) {
    if (task.executor) return "'TaskInfo.executor' must not be set";
    if (task.container?.type === 'DOCKER')
      return 'Docker ContainerInfo is not supported on the task';
  } else if (Boolean(task.executor) === Boolean(task.command)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  if (task.container?.type === 'DOCKER' && !task.container.docker) {
    return "Task's `ContainerInfo` is invalid: DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
  }
  const grace = task.kill_policy?.grace_period?.nanoseconds;
  if (grace !== undefined && grace < 0) {
    return "Task's 'kill_policy.grace_period' must be non-negative";
  }
  if ((task.resources ?? []).length === 0) return 'Task uses no resources';
  try {
    ResourceBag.fromMesos(task.resources ?? []);
  } catch (err) {
    return `Task uses invalid resources: ${(err as Error).message}`;
  }
  return undefined;
}

export function validateLaunch(request: LaunchRequest): LaunchDecision {
  const rejected: RejectedTask[] = [];
  const accepted: TaskInfo[] = [];
  const seen = new Set<string>();
  let remaining = request.available;
  let used = ResourceBag.EMPTY;

  const duplicate = (task: TaskInfo): string | undefined => {
    const id = task.task_id.value;
    if (request.taskExists(id) || seen.has(id)) return `Task has duplicate ID: ${id}`;
    seen.add(id);
    return undefined;
  };

  if (request.isGroup) {
    // A task group launches all or nothing, as Mesos does.
    let error: string | undefined;
    if (!request.executor) error = "'ExecutorInfo' must be set for LAUNCH_GROUP";
    else if (request.executor.type !== undefined && request.executor.type !== 'DEFAULT') {
      error = "'ExecutorInfo.type' must be 'DEFAULT'";
    }
    if (request.tasks.length === 0) error ??= 'Task group is empty';
    for (const task of request.tasks) {
      error ??= validateTaskShape(task, request) ?? duplicate(task);
    }
    if (!error) {
      let total = ResourceBag.fromMesos(request.executor?.resources ?? []);
      for (const task of request.tasks)
        total = total.add(ResourceBag.fromMesos(task.resources ?? []));
      if (!remaining.contains(total)) {
        error = `Total resources ${total.toString()} required by task group and its executor is more than available ${remaining.toString()}`;
      } else {
        used = total;
      }
    }
    if (error) {
      for (const task of request.tasks) {
        rejected.push({ task, reason: 'REASON_TASK_GROUP_INVALID', message: error });
      }
      return { accepted, rejected, used: ResourceBag.EMPTY };
    }
    return { accepted: [...request.tasks], rejected, used };
  }

  for (const task of request.tasks) {
    const error = validateTaskShape(task, request) ?? duplicate(task);
    if (error) {
      rejected.push({ task, reason: 'REASON_TASK_INVALID', message: error });
      continue;
    }
    let total = ResourceBag.fromMesos(task.resources ?? []);
    if (task.executor?.resources) total = total.add(ResourceBag.fromMesos(task.executor.resources));
    if (!remaining.contains(total)) {
      rejected.push({
        task,
        reason: 'REASON_TASK_INVALID',
        message: `Total resources ${total.toString()} required by task and its executor is more than available ${remaining.toString()}`,
      });
      continue;
    }
    remaining = remaining.subtract(total);
    used = used.add(total);
    accepted.push(task);
  }
  return { accepted, rejected, used };
}
