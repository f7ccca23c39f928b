import {
  InvalidInstancesError,
  InvalidJobKeyError,
  type JobKeyForm,
  type JobKeyPart,
} from './errors.js';

/**
 * Aurora's GOOD_IDENTIFIER_PATTERN (api.thrift), which the client and the scheduler both
 * apply to role, environment and job name. Java and Aurora's Python 2 client read `\w`
 * as ASCII [A-Za-z0-9_], as JavaScript does.
 */
export const IDENTIFIER_PATTERN = String.raw`^[\w\-\.]+$`;

/** The scheduler refuses longer identifiers (UserProvidedStrings.MAX_IDENTIFIER_LENGTH). */
export const MAX_IDENTIFIER_LENGTH = 255;

/**
 * The scheduler's default for -allowed_job_environments. Aurora operators can change it,
 * hence {@link JobKeyOptions.allowedEnvironments}.
 */
export const DEFAULT_ALLOWED_ENVIRONMENTS = String.raw`^(prod|devel|test|staging\d*)$`;

/** Instance ids travel as Thrift i32. */
export const MAX_INSTANCE_ID = 2_147_483_647;

/** An Aurora job's identity, written `cluster/role/environment/name`. */
export interface JobKey {
  readonly cluster: string;
  readonly role: string;
  readonly environment: string;
  readonly name: string;
}

/** A closed range of instance ids, like Aurora's Thrift `Range`: `2-4` is first 2, last 4. */
export interface InstanceRange {
  readonly first: number;
  readonly last: number;
}

/**
 * The instances a command applies to. 'all' is the Aurora client's ALL_INSTANCES: a job key
 * given without instances means every instance of the job. Ranges are sorted, disjoint and
 * never adjacent, so equal selections compare equal.
 */
export type InstanceSelection = 'all' | readonly InstanceRange[];

/** What `aurora job kill` and `aurora task run` accept: a job key and, optionally, instances. */
export interface InstanceSpec {
  readonly jobKey: JobKey;
  readonly instances: InstanceSelection;
}

/** What `aurora task ssh` accepts: a job key and exactly one instance. */
export interface TaskInstanceKey {
  readonly jobKey: JobKey;
  readonly instance: number;
}

export interface JobKeyOptions {
  /**
   * The scheduler's -allowed_job_environments: a Java-style pattern that the whole
   * environment must match. Defaults to {@link DEFAULT_ALLOWED_ENVIRONMENTS}.
   */
  readonly allowedEnvironments?: string;
}

const IDENTIFIER = new RegExp(IDENTIFIER_PATTERN);

// Leading zeros and blanks around numbers are accepted because the Aurora client reads
// each number with Python's int(), which accepts them.
const INSTANCE_RANGE = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;
const INSTANCE_ID = /^\s*(\d+)\s*$/;

const PART_LABELS: Record<JobKeyPart, string> = {
  cluster: 'cluster',
  role: 'role',
  environment: 'environment',
  name: 'job name',
};

/**
 * Parses `cluster/role/environment/name`, as the Aurora client reads a job key.
 *
 * @throws {InvalidJobKeyError} naming the part at fault.
 */
export function parseJobKey(path: string, options: JobKeyOptions = {}): JobKey {
  const parts = path.split('/');
  if (parts.length !== 4) {
    throw new InvalidJobKeyError(
      'job key',
      path,
      `expected CLUSTER/ROLE/ENV/NAME, but it has ${describeCount(parts.length)}`,
    );
  }
  return toJobKey('job key', path, parts, options);
}

/**
 * Parses `cluster/role/env/name` or `cluster/role/env/name/0,2-4`, as `aurora job kill`,
 * `aurora job restart` and `aurora task run` read their instance specifier.
 *
 * @throws {InvalidJobKeyError} when the job key part is wrong.
 * @throws {InvalidInstancesError} when the instances part is wrong.
 */
export function parseInstanceSpec(spec: string, options: JobKeyOptions = {}): InstanceSpec {
  if (spec === '') {
    throw new InvalidJobKeyError('instance specifier', spec, 'it is empty');
  }
  const parts = spec.split('/');
  if (parts.length === 4) {
    return { jobKey: toJobKey('instance specifier', spec, parts, options), instances: 'all' };
  }
  if (parts.length === 5) {
    const jobKey = toJobKey('instance specifier', spec, parts.slice(0, 4), options);
    return { jobKey, instances: parseInstances(parts[4] ?? '') };
  }
  throw new InvalidJobKeyError(
    'instance specifier',
    spec,
    'expected CLUSTER/ROLE/ENV/NAME or CLUSTER/ROLE/ENV/NAME/INSTANCES, ' +
      `but it has ${describeCount(parts.length)}`,
  );
}

/**
 * Parses `cluster/role/env/name/3`, one task of a job, as `aurora task ssh` reads it.
 *
 * @throws {InvalidJobKeyError} when the job key part is wrong.
 * @throws {InvalidInstancesError} when the instance is not a single instance id.
 */
export function parseTaskInstanceKey(key: string, options: JobKeyOptions = {}): TaskInstanceKey {
  const parts = key.split('/');
  if (parts.length !== 5) {
    throw new InvalidJobKeyError(
      'task instance key',
      key,
      `expected CLUSTER/ROLE/ENV/NAME/INSTANCE, but it has ${describeCount(parts.length)}`,
    );
  }
  const jobKey = toJobKey('task instance key', key, parts.slice(0, 4), options);
  const text = parts[4] ?? '';
  const digits = INSTANCE_ID.exec(text)?.[1];
  if (digits === undefined) {
    throw new InvalidInstancesError(text, 'expected a single instance number such as 0');
  }
  return { jobKey, instance: toInstanceId(text, digits) };
}

/**
 * Parses a list of instances and instance ranges such as `0,2-4`, as the Aurora client
 * reads `--instances` and the last part of an instance specifier. Duplicates and overlaps
 * are merged; the empty string means all instances, as in the Aurora client.
 *
 * @throws {InvalidInstancesError} naming the entry at fault.
 */
export function parseInstances(text: string): InstanceSelection {
  if (text === '') {
    return 'all';
  }
  const ranges = text.split(',').map((entry) => toInstanceRange(text, entry));
  return mergeRanges(ranges);
}

/** Writes a job key as Aurora does: `cluster/role/environment/name`. */
export function formatJobKey(key: JobKey): string {
  return `${key.cluster}/${key.role}/${key.environment}/${key.name}`;
}

/** Writes ranges in the form {@link parseInstances} reads: `0,2-4`. */
export function formatInstanceRanges(ranges: readonly InstanceRange[]): string {
  return ranges
    .map(({ first, last }) => (first === last ? `${first}` : `${first}-${last}`))
    .join(',');
}

function toJobKey(
  form: JobKeyForm,
  input: string,
  parts: readonly string[],
  options: JobKeyOptions,
): JobKey {
  const [cluster = '', role = '', environment = '', name = ''] = parts;
  const key: JobKey = { cluster, role, environment, name };
  for (const part of ['cluster', 'role', 'environment', 'name'] as const) {
    const problem = identifierProblem(part, key[part]);
    if (problem !== undefined) {
      throw new InvalidJobKeyError(form, input, problem, part);
    }
  }
  const allowed = options.allowedEnvironments ?? DEFAULT_ALLOWED_ENVIRONMENTS;
  // The scheduler checks with Java's Matcher.matches(), which must consume the whole
  // environment even when an operator's pattern has no anchors.
  if (!new RegExp(`^(?:${allowed})$`).test(environment)) {
    throw new InvalidJobKeyError(
      form,
      input,
      `the environment '${environment}' does not match ${allowed}`,
      'environment',
    );
  }
  return key;
}

function identifierProblem(part: JobKeyPart, value: string): string | undefined {
  const label = PART_LABELS[part];
  if (value === '') {
    return `the ${label} is empty`;
  }
  if (value.length > MAX_IDENTIFIER_LENGTH) {
    return `the ${label} is ${value.length} characters long, more than the ${MAX_IDENTIFIER_LENGTH} allowed`;
  }
  if (!IDENTIFIER.test(value)) {
    return `the ${label} '${value}' may only contain ASCII letters, digits, '_', '-' and '.'`;
  }
  return undefined;
}

function toInstanceRange(text: string, entry: string): InstanceRange {
  const match = INSTANCE_RANGE.exec(entry);
  if (match === null) {
    throw new InvalidInstancesError(
      text,
      entry.trim() === ''
        ? 'it has an empty entry; list instances like 0,2-4'
        : `'${entry}' is neither an instance number nor a range such as 2-4`,
    );
  }
  const [, firstDigits = '', lastDigits] = match;
  const first = toInstanceId(text, firstDigits);
  const last = lastDigits === undefined ? first : toInstanceId(text, lastDigits);
  if (last < first) {
    throw new InvalidInstancesError(text, `the range ${first}-${last} ends before it starts`);
  }
  return { first, last };
}

function toInstanceId(text: string, digits: string): number {
  const id = Number(digits);
  if (id > MAX_INSTANCE_ID) {
    throw new InvalidInstancesError(
      text,
      `instance ${digits} is larger than the largest instance id, ${MAX_INSTANCE_ID}`,
    );
  }
  return id;
}

function mergeRanges(ranges: readonly InstanceRange[]): InstanceRange[] {
  const sorted = [...ranges].sort((a, b) => a.first - b.first || a.last - b.last);
  const merged: InstanceRange[] = [];
  for (const range of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && range.first <= previous.last + 1) {
      merged[merged.length - 1] = {
        first: previous.first,
        last: Math.max(previous.last, range.last),
      };
    } else {
      merged.push(range);
    }
  }
  return merged;
}

function describeCount(parts: number): string {
  return parts === 1 ? '1 part' : `${parts} parts`;
}
