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
