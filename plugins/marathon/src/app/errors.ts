/**
 * How an app definition is refused: Marathon's 422 body, `{"message": ..., "details":
 * [{"path": ..., "errors": [...]}]}`, carried by one error class. Marathon answers with
 * `"Invalid JSON"` when the body does not fit its types (play-json's codes such as
 * `error.min`), and with `"Object is not valid"` when it fits but breaks a rule (the
 * rule's sentence). Clients written against Marathon look for both.
 */

export const INVALID_JSON = 'Invalid JSON';
export const OBJECT_NOT_VALID = 'Object is not valid';

export interface ErrorDetail {
  /** `/` for the app itself, else Marathon's path notation: `/healthChecks(0)/portIndex`. */
  readonly path: string;
  readonly errors: readonly string[];
}

export interface MarathonErrorBody {
  readonly message: typeof INVALID_JSON | typeof OBJECT_NOT_VALID;
  readonly details: readonly ErrorDetail[];
}

/**
 * An app definition Marathon would refuse. `body` is what the API answers, with
 * `statusCode`; the message lists every detail, for logs and the CLI.
 */
export class InvalidAppDefinitionError extends Error {
  static readonly code = 'MESOLITE_ERR_INVALID_APP_DEFINITION';
  readonly code = InvalidAppDefinitionError.code;
  /** Marathon answers both kinds with 422 Unprocessable Entity. */
  readonly statusCode = 422;
  readonly body: MarathonErrorBody;

  constructor(body: MarathonErrorBody) {
    const summary = body.details
      .map((detail) => `${detail.path}: ${detail.errors.join('; ')}`)
      .join(', ');
    super(`${body.message}: ${summary}`);
    this.name = 'InvalidAppDefinitionError';
    this.body = body;
  }
}

/**
 * Collects rule violations by path, in the order they are found. Marathon groups its
 * violations the same way; its order is a Set's, so any order is faithful and this one
 * is stable.
 */
export class Violations {
  private readonly byPath = new Map<string, string[]>();

  add(path: string, message: string): void {
    const messages = this.byPath.get(path);
    if (messages === undefined) this.byPath.set(path, [message]);
    else if (!messages.includes(message)) messages.push(message);
  }

  get isEmpty(): boolean {
    return this.byPath.size === 0;
  }

  details(): ErrorDetail[] {
    return [...this.byPath].map(([path, errors]) => ({ path, errors }));
  }
}
