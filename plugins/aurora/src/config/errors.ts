/** Where in a configuration file something went wrong; line and column are 1-based. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Anything wrong with an .aurora file: its syntax, a construct outside the supported
 * Python subset, a limit it exceeded, an evaluation error or a job that does not fit
 * Aurora's schema. Every one names the file, line and column, so that the CLI can print
 * it and exit 3 as Aurora's client does for an invalid configuration.
 */
export class AuroraConfigError extends Error {
  static readonly exitCode = 3;
  readonly code: string;
  readonly statusCode = 400;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(code: string, at: SourceLocation, detail: string) {
    super(`${at.file}:${at.line}:${at.column}: ${detail}`);
    this.name = 'AuroraConfigError';
    this.code = code;
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.detail = detail;
  }
}

/** The text is not Python the evaluator can parse. */
export class AuroraSyntaxError extends AuroraConfigError {
  static readonly code = 'MESOLITE_ERR_AURORA_CONFIG_SYNTAX';
  constructor(at: SourceLocation, detail: string) {
    super(AuroraSyntaxError.code, at, `syntax error: ${detail}`);
    this.name = 'AuroraSyntaxError';
  }
}

/** A construct a configuration may not use: files, other modules, dunders, JS internals. */
export class AuroraRefusedError extends AuroraConfigError {
  static readonly code = 'MESOLITE_ERR_AURORA_CONFIG_REFUSED';
  constructor(at: SourceLocation, detail: string) {
    super(AuroraRefusedError.code, at, `refused: ${detail}`);
    this.name = 'AuroraRefusedError';
  }
}

/** The configuration exceeded a bound that keeps evaluation from hanging the daemon. */
export class AuroraLimitError extends AuroraConfigError {
  static readonly code = 'MESOLITE_ERR_AURORA_CONFIG_LIMIT';
  constructor(at: SourceLocation, detail: string) {
    super(AuroraLimitError.code, at, `limit exceeded: ${detail}`);
    this.name = 'AuroraLimitError';
  }
}

/** A Python-level error while evaluating: a NameError, TypeError, KeyError and the like. */
export class AuroraEvaluationError extends AuroraConfigError {
  static readonly code = 'MESOLITE_ERR_AURORA_CONFIG_EVALUATION';
  readonly pythonError: string;
  constructor(at: SourceLocation, pythonError: string, detail: string) {
    super(AuroraEvaluationError.code, at, `${pythonError}: ${detail}`);
    this.name = 'AuroraEvaluationError';
    this.pythonError = pythonError;
  }
}

/**
 * A name the configuration uses that nothing defines: a Python name or a `{{mustache}}`
 * name. `names` lists every one found, so the user can bind them all at once.
 */
export class AuroraUnboundNameError extends AuroraConfigError {
  static readonly code = 'MESOLITE_ERR_AURORA_CONFIG_UNBOUND';
  readonly names: readonly string[];
  constructor(at: SourceLocation, names: readonly string[], where: string) {
    const list = names.map((n) => `'${n}'`).join(', ');
    const binds = names.map((n) => `--bind ${n}=VALUE`).join(' ');
    super(
      AuroraUnboundNameError.code,
      at,
      `unbound name${names.length > 1 ? 's' : ''} ${list} ${where}; define ${names.length > 1 ? 'them' : 'it'} in the configuration or pass ${binds}`,
    );
    this.name = 'AuroraUnboundNameError';
    this.names = names;
  }
}

/** A job that does not fit Aurora's schema: a missing required field, a bad value. */
export class AuroraSchemaError extends AuroraConfigError {
  static readonly code = 'MESOLITE_ERR_AURORA_CONFIG_SCHEMA';
  constructor(at: SourceLocation, detail: string) {
    super(AuroraSchemaError.code, at, detail);
    this.name = 'AuroraSchemaError';
  }
}
