/**
 * Every error mesolite raises on purpose is a MesoliteError with a stable code
 * (MESOLITE_ERR_*) that scripts can match on, an HTTP status for the APIs, and a
 * message that tells the user what to do. Codes are declared once, here or in the
 * errors module of the package that owns them, with {@link defineError}.
 */
export class MesoliteError extends Error {
  readonly code: string;
  readonly statusCode: number;

  constructor(code: string, message: string, statusCode = 500, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MesoliteError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

type Formatter<A extends unknown[]> = (...args: A) => string;

export interface MesoliteErrorClass<A extends unknown[]> {
  new (...args: A): MesoliteError;
  readonly code: string;
}

/**
 * Declares an error class with a fixed code and status and a message built from its
 * arguments, as fastify's `createError` does, so a code is spelled in one place.
 */
export function defineError<A extends unknown[]>(
  code: string,
  statusCode: number,
  format: Formatter<A>,
): MesoliteErrorClass<A> {
  const cls = class extends MesoliteError {
    static readonly code = code;
    constructor(...args: A) {
      super(code, format(...args), statusCode);
    }
  };
  Object.defineProperty(cls, 'name', { value: code });
  return cls;
}

export const InsecureBindError = defineError(
  'MESOLITE_ERR_INSECURE_BIND',
  400,
  (host: string, what: string) =>
    `Refusing to listen on ${host}: ${what} has no login of its own, so it listens only on ` +
    'loopback (127.0.0.1, the default). For a LAN, start the master with `mesolite up --host ADDR`, ' +
    'which serves HTTPS and requires a login.',
);

export const InvalidOptionError = defineError(
  'MESOLITE_ERR_INVALID_OPTION',
  400,
  (option: string, problem: string) => `Invalid ${option}: ${problem}`,
);

export const WorkDirError = defineError(
  'MESOLITE_ERR_WORK_DIR',
  500,
  (dir: string, reason: string) =>
    `Cannot use work dir ${dir}: ${reason}. Pass --work-dir with a directory you can write to.`,
);
