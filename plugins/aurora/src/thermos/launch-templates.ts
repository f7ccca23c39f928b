/**
 * The mustache names a task's strings may still hold at launch, and their values for
 * one task: `{{thermos.ports[NAME]}}`, `{{thermos.task_id}}`, `{{thermos.user}}`,
 * `{{mesos.instance}}` and `{{mesos.hostname}}`, which Aurora's executor binds when it
 * starts the task. This is the one place the scheduler resolves them, so that the
 * configuration evaluator's own resolver can take its place.
 */
import type { Task } from '../job-config.js';

export interface LaunchBindings {
  readonly taskId: string;
  readonly user: string;
  readonly instance: number;
  readonly hostname: string;
  /** Each named port the task was given, by its name in `{{thermos.ports[NAME]}}`. */
  readonly ports: Readonly<Record<string, number>>;
}

/** A launch-time name with no value for this task; the message names it. */
export class UnboundLaunchNameError extends Error {
  static readonly code = 'MESOLITE_ERR_AURORA_UNBOUND_NAME';
  readonly code = UnboundLaunchNameError.code;
  readonly statusCode = 400;
  constructor(
    readonly template: string,
    readonly where: string,
  ) {
    super(`${where} uses {{${template}}}, which is not bound when the task is launched`);
    this.name = 'UnboundLaunchNameError';
  }
}

const TEMPLATE = /\{\{\s*([A-Za-z_][\w.]*(?:\[[^\]]*\])?)\s*\}\}/g;
const PORT = /^thermos\.ports\[([^\]]+)\]$/;

/** The port names a task asks for through `{{thermos.ports[NAME]}}`, in first-use order. */
export function portNames(task: Task): string[] {
  const names = new Set<string>();
  for (const process of task.processes) {
    for (const match of process.cmdline.matchAll(TEMPLATE)) {
      const port = PORT.exec(match[1] ?? '');
      if (port?.[1] !== undefined) names.add(port[1]);
    }
  }
  return [...names];
}

function boundValue(name: string, bindings: LaunchBindings): string | undefined {
  const port = PORT.exec(name);
  if (port?.[1] !== undefined) {
    const value = Object.hasOwn(bindings.ports, port[1]) ? bindings.ports[port[1]] : undefined;
    return value === undefined ? undefined : String(value);
  }
  switch (name) {
    case 'thermos.task_id':
      return bindings.taskId;
    case 'thermos.user':
      return bindings.user;
    case 'mesos.instance':
      return String(bindings.instance);
    case 'mesos.hostname':
      return bindings.hostname;
    default:
      return undefined;
  }
}

/** Replaces every launch-time name in one string; `where` names the string in errors. */
export function resolveString(text: string, bindings: LaunchBindings, where: string): string {
  return text.replace(TEMPLATE, (_whole, name: string) => {
    const value = boundValue(name, bindings);
    if (value === undefined) throw new UnboundLaunchNameError(name, where);
    return value;
  });
}

/**
 * The task with every launch-time name replaced by its value.
 *
 * @throws {UnboundLaunchNameError} for a name this task has no value for.
 */
export function resolveLaunchTemplates(task: Task, bindings: LaunchBindings): Task {
  return {
    ...task,
    processes: task.processes.map((process) => ({
      ...process,
      cmdline: resolveString(process.cmdline, bindings, `the cmdline of process ${process.name}`),
    })),
  };
}
