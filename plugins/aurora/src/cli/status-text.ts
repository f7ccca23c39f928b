/** `aurora job status` as text: the active tasks, then the finished ones, one line each. */
export interface StatusTaskJson {
  taskId: string;
  instance: number;
  status: string;
  host?: string;
  healthy?: boolean;
  message?: string;
  failureCount?: number;
}

export interface StatusJson {
  key: string;
  activeTasks: StatusTaskJson[];
  inactiveTasks: StatusTaskJson[];
  update?: unknown;
}

function taskLine(task: StatusTaskJson): string {
  const where = task.host ? ` on ${task.host}` : '';
  const health = task.healthy === undefined ? '' : task.healthy ? ', healthy' : ', not healthy';
  const message = task.message ? ` (${task.message})` : '';
  return `\tinstance ${task.instance}: ${task.status}${where}${health}${message}\n\t  task ${task.taskId}`;
}

export function formatStatus(status: StatusJson): string {
  const byInstance = (a: StatusTaskJson, b: StatusTaskJson) => a.instance - b.instance;
  const lines = [
    `Active tasks (${status.activeTasks.length}) of ${status.key}:`,
    ...[...status.activeTasks].sort(byInstance).map(taskLine),
    `Inactive tasks (${status.inactiveTasks.length}):`,
    ...[...status.inactiveTasks].sort(byInstance).map(taskLine),
  ];
  return `${lines.join('\n')}\n`;
}
