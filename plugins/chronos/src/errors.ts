/**
 * Errors the Chronos plugin raises on purpose. Each has a stable code (MESOLITE_ERR_*)
 * that scripts can match on, the HTTP status Chronos answers with (400 for anything a
 * client sent wrong), and a message that says what to change.
 */
export class ChronosError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode: number) {
    super(message);
    this.name = 'ChronosError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** The part of a schedule that was rejected, as the job JSON names it. */
export type SchedulePart = 'format' | 'repetitions' | 'start' | 'period' | 'scheduleTimeZone';

const SCHEDULE_SHAPE =
  'A schedule is R[n]/<start>/<period>, for example R5/2024-01-31T09:00:00Z/P1M ' +
  '(R alone repeats forever; an empty start means now).';

export class InvalidScheduleError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_INVALID_SCHEDULE';
  readonly expression: string;
  readonly part: SchedulePart;
  readonly problem: string;

  constructor(expression: string, part: SchedulePart, problem: string) {
    const hint = part === 'scheduleTimeZone' ? '' : ` ${SCHEDULE_SHAPE}`;
    super(
      InvalidScheduleError.code,
      `Invalid schedule ${JSON.stringify(expression)}: ${problem}.${hint}`,
      400,
    );
    this.name = 'InvalidScheduleError';
    this.expression = expression;
    this.part = part;
    this.problem = problem;
  }
}

export class InvalidPeriodError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_INVALID_PERIOD';
  readonly text: string;
  readonly problem: string;

  constructor(text: string, problem: string) {
    super(
      InvalidPeriodError.code,
      `Invalid ISO 8601 duration ${JSON.stringify(text)}: ${problem}. ` +
        'Write it as PnYnMnWnDTnHnMnS, for example PT60S or P1DT12H.',
      400,
    );
    this.name = 'InvalidPeriodError';
    this.text = text;
    this.problem = problem;
  }
}

/** A job definition Chronos would refuse: the message names the field and what to change. */
export class InvalidJobError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_INVALID_JOB';

  constructor(message: string) {
    super(InvalidJobError.code, message, 400);
    this.name = 'InvalidJobError';
  }
}

export class UnknownParentError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_UNKNOWN_PARENT';
  readonly job: string;
  readonly parent: string;

  constructor(job: string, parent: string) {
    super(
      UnknownParentError.code,
      `Job ${JSON.stringify(job)} names the parent ${JSON.stringify(parent)}, which is not a ` +
        'job: create the parent first, or fix its name in "parents".',
      400,
    );
    this.name = 'UnknownParentError';
    this.job = job;
    this.parent = parent;
  }
}

export class DependencyCycleError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_DEPENDENCY_CYCLE';
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    super(
      DependencyCycleError.code,
      `The job's parents would make a dependency cycle: ${cycle.join(' -> ')}. ` +
        'A job cannot depend, directly or not, on itself.',
      400,
    );
    this.name = 'DependencyCycleError';
    this.cycle = cycle;
  }
}

/** Chronos answers 400, not 404, for a job name it does not know. */
export class UnknownJobError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_UNKNOWN_JOB';
  readonly job: string;

  constructor(job: string) {
    super(
      UnknownJobError.code,
      `There is no job named ${JSON.stringify(job)}; GET /scheduler/jobs lists them.`,
      400,
    );
    this.name = 'UnknownJobError';
    this.job = job;
  }
}

export class UnknownTaskError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_UNKNOWN_CHRONOS_TASK';
  readonly taskId: string;

  constructor(taskId: string) {
    super(
      UnknownTaskError.code,
      `No run of any job is waiting for task ${JSON.stringify(taskId)}: it finished, timed ` +
        'out or was never launched. The id is in the task’s mesos_task_id variable.',
      400,
    );
    this.name = 'UnknownTaskError';
    this.taskId = taskId;
  }
}

export class JobHasChildrenError extends ChronosError {
  static readonly code = 'MESOLITE_ERR_JOB_HAS_CHILDREN';

  constructor(job: string, children: readonly string[]) {
    super(
      JobHasChildrenError.code,
      `Job ${JSON.stringify(job)} is a parent of ${children.map((c) => JSON.stringify(c)).join(', ')}: ` +
        'delete or re-parent those jobs first.',
      400,
    );
    this.name = 'JobHasChildrenError';
  }
}
