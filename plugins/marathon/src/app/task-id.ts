/**
 * Marathon's instance and task ids (core/instance/Instance.scala, core/task/Task.scala).
 *
 * The current form, which mesolite creates:
 * - instance id `<app id, safe form>.instance-<uuid>`, e.g.
 *   `prod_web.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6`;
 * - task id `<instance id>._app.<incarnation>`, e.g.
 *   `prod_web.instance-b6ff5fa5-7714-11e7-a55c-5ecf1c4671f6._app.1`. `_app` names the
 *   single, anonymous container of an app's task (the `_` keeps it apart from pod
 *   container names); the incarnation counts relaunches of the instance.
 *
 * Marathon still reads the older forms, `<safe>.<uuid>` and `<safe>_<uuid>` (before
 * instances) and `<safe>.marathon-<uuid>...`, and so does parseTaskId, so that tasks
 * launched by a real Marathon can be recognised. The uuid is the caller's (Marathon uses
 * time-based UUIDs), so that ids are deterministic in tests.
 */
import { type PathId, pathIdFromSafePath } from '../path-id.js';

export const ANONYMOUS_CONTAINER = '_app';

// Marathon's own expressions, Task.Id and Instance.Id.
const INSTANCE_ID = /^(.+)\.(instance-|marathon-)([^.]+)$/;
const TASK_ID_WITH_INCARNATION = /^(.+)\.(instance-|marathon-)([^_.]+)[._]([^.]+)\.(\d+)$/;
const TASK_ID_WITH_INSTANCE = /^(.+)\.(instance-|marathon-)([^_.]+)[._]([^.]+)$/;
const RESIDENT_TASK_ID = /^(.+)([._])([^_.]+)(\.)(\d+)$/;
const LEGACY_TASK_ID = /^(.+)([._])([^_.]+)$/;
/** What Marathon's parsing accepts as the uuid part. */
const UUID_PART = /^[^_.]+$/;

export interface ParsedTaskId {
  readonly appId: PathId;
  /** The instance the task belongs to, in the current form. */
  readonly instanceId: string;
  readonly uuid: string;
  /** 1 for a first launch; undefined in the forms that do not count. */
  readonly incarnation: number | undefined;
}

/** A new instance id for an app, from a fresh uuid. */
export function instanceIdFor(appId: PathId, uuid: string): string {
  if (!UUID_PART.test(uuid)) {
    throw new Error(`'${uuid}' cannot be the uuid of an instance id: it contains '.' or '_'`);
  }
  return `${appId.toSafePath()}.instance-${uuid}`;
}

/** The id of an instance's task; the first launch is incarnation 1. */
export function taskIdFor(instanceId: string, incarnation = 1): string {
  if (!INSTANCE_ID.test(instanceId)) {
    throw new Error(`'${instanceId}' is not a Marathon instance id`);
  }
  return `${instanceId}.${ANONYMOUS_CONTAINER}.${incarnation}`;
}

/** The id for relaunching an instance whose task ended: the next incarnation. */
export function nextTaskId(taskId: string): string {
  const parsed = parseTaskId(taskId);
  return taskIdFor(parsed.instanceId, (parsed.incarnation ?? 0) + 1);
}

/**
 * Reads any form of Marathon task id; see the module comment.
 *
 * @throws Error when the id is in none of them, or its app id is not a valid safe form.
 */
export function parseTaskId(taskId: string): ParsedTaskId {
  const withIncarnation = TASK_ID_WITH_INCARNATION.exec(taskId);
  if (withIncarnation) {
    const [, safe = '', prefix = '', uuid = '', , incarnation = ''] = withIncarnation;
    return parsed(safe, prefix, uuid, Number(incarnation));
  }
  const withInstance = TASK_ID_WITH_INSTANCE.exec(taskId);
  if (withInstance) {
    const [, safe = '', prefix = '', uuid = ''] = withInstance;
    return parsed(safe, prefix, uuid, undefined);
  }
  const resident = RESIDENT_TASK_ID.exec(taskId);
  if (resident) {
    const [, safe = '', , uuid = '', , attempt = ''] = resident;
    return parsed(safe, 'marathon-', uuid, Number(attempt));
  }
  const legacy = LEGACY_TASK_ID.exec(taskId);
  if (legacy) {
    const [, safe = '', , uuid = ''] = legacy;
    return parsed(safe, 'marathon-', uuid, undefined);
  }
  throw new Error(`taskId ${taskId} no valid identifier`);
}

function parsed(
  safe: string,
  prefix: string,
  uuid: string,
  incarnation: number | undefined,
): ParsedTaskId {
  const appId = pathIdFromSafePath(safe);
  return { appId, instanceId: `${safe}.${prefix}${uuid}`, uuid, incarnation };
}
