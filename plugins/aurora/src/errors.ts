/** The four parts of an Aurora job key, named as Aurora's Thrift JobKey (plus the cluster). */
export type JobKeyPart = 'cluster' | 'role' | 'environment' | 'name';

/** The textual forms the Aurora client accepts on its command line. */
export type JobKeyForm = 'job key' | 'instance specifier' | 'task instance key';

/**
 * A job key, instance specifier or task instance key that Aurora would refuse, such as
 * `west/www-data/production/hello`. The message names the form, the text as given and
 * what is wrong with it; `part` says which part of the key is at fault, when one is.
 */
export class InvalidJobKeyError extends Error {
  static readonly code = 'MESOLITE_ERR_INVALID_JOB_KEY';
  readonly code = InvalidJobKeyError.code;
  readonly statusCode = 400;
  readonly form: JobKeyForm;
  readonly input: string;
  readonly part: JobKeyPart | undefined;

  constructor(form: JobKeyForm, input: string, problem: string, part?: JobKeyPart) {
    super(`Invalid ${form} '${input}': ${problem}`);
    this.name = 'InvalidJobKeyError';
    this.form = form;
    this.input = input;
    this.part = part;
  }
}

/**
 * A list of instances (`0,2-4`) or a single instance that Aurora would refuse. `input`
 * is the instances text alone, without the job key in front of it.
 */
export class InvalidInstancesError extends Error {
  static readonly code = 'MESOLITE_ERR_INVALID_INSTANCES';
  readonly code = InvalidInstancesError.code;
  readonly statusCode = 400;
  readonly input: string;

  constructor(input: string, problem: string) {
    super(`Invalid instances '${input}': ${problem}`);
    this.name = 'InvalidInstancesError';
    this.input = input;
  }
}
