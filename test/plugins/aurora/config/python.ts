import { AuroraConfigError } from '@mesolite/plugin-aurora/config/errors';
import { type EvaluateOptions, evaluateConfig } from '@mesolite/plugin-aurora/config/evaluate';
import { type PyValue, repr } from '@mesolite/plugin-aurora/config/values';

/** Evaluates a snippet as the file `test.aurora` and gives its global names. */
export function run(
  source: string,
  options: Partial<EvaluateOptions> = {},
): ReadonlyMap<string, PyValue> {
  return evaluateConfig(source, { filename: 'test.aurora', ...options }).globals;
}

/** Python's repr() of the global `name` after running the snippet. */
export function reprOf(source: string, name = 'x', options: Partial<EvaluateOptions> = {}): string {
  const value = run(source, options).get(name);
  if (value === undefined) throw new Error(`the snippet defines no '${name}'`);
  return repr(value);
}

/** The configuration error a snippet raises; fails the test if it raises none. */
export function configError(evaluate: () => unknown): AuroraConfigError {
  try {
    evaluate();
  } catch (error) {
    if (error instanceof AuroraConfigError) return error;
    throw error;
  }
  throw new Error('expected an AuroraConfigError, but the configuration loaded');
}
