/**
 * Chronos's task ids, `ct:<dueMillis>:<attempt>:<jobName>:<arguments>` (TaskUtils): the
 * run's due time and attempt travel with the task, so a status update or a callback
 * names its run without a lookup table. Job names cannot contain ':', the arguments can.
 */
export interface TaskIdParts {
  readonly dueAt: number;
  readonly attempt: number;
  readonly jobName: string;
  readonly arguments: string;
}

export function chronosTaskId(parts: TaskIdParts): string {
  return `ct:${parts.dueAt}:${parts.attempt}:${parts.jobName}:${parts.arguments}`;
}

export function parseChronosTaskId(taskId: string): TaskIdParts | undefined {
  const match = /^ct:(\d+):(\d+):([^:]+):(.*)$/s.exec(taskId);
  if (!match) return undefined;
  const [, due, attempt, jobName, args] = match;
  if (due === undefined || attempt === undefined || jobName === undefined) return undefined;
  return { dueAt: Number(due), attempt: Number(attempt), jobName, arguments: args ?? '' };
}
