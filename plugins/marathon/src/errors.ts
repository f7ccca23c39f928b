/**
 * Which of Marathon's id rules an id broke. The API maps every one of them to the same
 * 422 answer; the distinction is for callers that want to react differently (a CLI
 * suggesting a fix, a test naming the rule).
 */
export type PathIdProblem =
  | 'invalid-segment'
  | 'reserved-keyword'
  | 'root'
  | 'not-child-of-base'
  | 'invalid-safe-path';

/**
 * An app, pod or group id that Marathon would refuse. The message is Marathon's own
 * wording for the rule, so it can go unchanged into the `errors` of a 422 body, where
 * clients written against Marathon look for it; `input` keeps the offending id for logs.
 */
export class InvalidPathIdError extends Error {
  static readonly code = 'MESOLITE_ERR_INVALID_PATH_ID';
  readonly code = InvalidPathIdError.code;
  /** Marathon answers an invalid id with 422 Unprocessable Entity. */
  readonly statusCode = 422;
  readonly input: string;
  readonly problem: PathIdProblem;

  constructor(input: string, problem: PathIdProblem, message: string) {
    super(message);
    this.name = 'InvalidPathIdError';
    this.input = input;
    this.problem = problem;
  }
}
