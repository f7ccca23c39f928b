/**
 * Evaluates a configuration's source into its global names, with Aurora's schema and
 * the subset's builtins in scope. Separate from loading so that tools (and tests) can
 * look at any name a file defines, not only its jobs.
 */
import { type AuroraSchema, auroraSchema } from './aurora-schema.js';
import { pythonBuiltins } from './builtins.js';
import { DEFAULT_LIMITS, type EvaluationLimits, Interpreter } from './interpreter.js';
import type { PyValue } from './values.js';

export interface EvaluateOptions {
  /** The file's path, for error messages and for resolving include() relative to it. */
  readonly filename: string;
  /**
   * Reads a file that include() names, by its resolved path; absent, include() is refused.
   * The caller decides what may be read: text of an included file can show up in error
   * messages, so a daemon evaluating someone else's file should confine the paths.
   */
  readonly readFile?: (path: string) => string;
  /** The environment os.getenv(), os.environ and getpass.getuser() read: the CLI's or the daemon's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--bind name=value` pairs, as Aurora's client takes them. */
  readonly bindings?: Readonly<Record<string, string>>;
  readonly limits?: Partial<EvaluationLimits>;
}

export interface Evaluated {
  readonly globals: ReadonlyMap<string, PyValue>;
  readonly schema: AuroraSchema;
}

export function evaluateConfig(source: string, options: EvaluateOptions): Evaluated {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env.set(k, v);
  const schema = auroraSchema();
  const interpreter = new Interpreter(
    {
      env,
      readFile: options.readFile,
      bindings: new Map(Object.entries(options.bindings ?? {})),
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      schema: schema.names,
      structBase: schema.structBase,
    },
    options.filename,
    pythonBuiltins(),
  );
  return { globals: interpreter.run(source, options.filename), schema };
}
