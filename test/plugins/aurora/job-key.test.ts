import { InvalidInstancesError, InvalidJobKeyError } from '@mesolite/plugin-aurora/errors';
import {
  formatInstanceRanges,
  formatJobKey,
  type InstanceSelection,
  parseInstanceSpec,
  parseInstances,
  parseJobKey,
  parseTaskInstanceKey,
} from '@mesolite/plugin-aurora/job-key';
import { describe, expect, it } from 'vitest';

function jobKeyError(parse: () => unknown): InvalidJobKeyError {
  try {
    parse();
  } catch (error) {
    if (error instanceof InvalidJobKeyError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InvalidJobKeyError, but parsing succeeded');
}

function instancesError(parse: () => unknown): InvalidInstancesError {
  try {
    parse();
  } catch (error) {
    if (error instanceof InvalidInstancesError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InvalidInstancesError, but parsing succeeded');
}

const ranges = (selection: InstanceSelection) =>
  selection === 'all' ? 'all' : formatInstanceRanges(selection);

describe('parsing a job key', () => {
  it('splits cluster/role/environment/name into its parts', () => {
    expect(parseJobKey('west/www-data/prod/hello')).toEqual({
      cluster: 'west',
      role: 'www-data',
      environment: 'prod',
      name: 'hello',
    });
  });

  it('accepts upper-case letters, digits, underscores, hyphens and dots', () => {
    expect(parseJobKey('devcluster/Svc_Team-2/devel/api.v2_Worker-1').name).toBe('api.v2_Worker-1');
  });

  it('accepts a part of exactly 255 characters', () => {
    const name = 'n'.repeat(255);
    expect(parseJobKey(`west/www/prod/${name}`).name).toBe(name);
  });

  it("accepts '.' and '..' as parts, since Aurora's identifier pattern does", () => {
    expect(parseJobKey('west/./prod/..').role).toBe('.');
  });

  it('writes the key back the way it was read', () => {
    expect(formatJobKey(parseJobKey('west/www-data/prod/hello'))).toBe('west/www-data/prod/hello');
  });

  it.each([
    ['three parts', 'www-data/prod/hello'],
    ['five parts', 'west/www-data/prod/hello/0'],
    ['one part', 'hello'],
    ['a trailing slash', 'west/www-data/prod/hello/'],
  ])('refuses a key with %s', (_, path) => {
    expect(jobKeyError(() => parseJobKey(path)).part).toBeUndefined();
  });

  it('says what form it expected and how many parts it found', () => {
    expect(() => parseJobKey('www-data/prod/hello')).toThrow(
      "Invalid job key 'www-data/prod/hello': expected CLUSTER/ROLE/ENV/NAME, but it has 3 parts",
    );
  });

  it.each([
    ['cluster', '/www-data/prod/hello'],
    ['role', 'west//prod/hello'],
    ['environment', 'west/www-data//hello'],
    ['name', 'west/www-data/prod/'],
  ] as const)('refuses an empty %s', (part, path) => {
    expect(jobKeyError(() => parseJobKey(path)).part).toBe(part);
  });

  it('names the empty part in the message', () => {
    expect(() => parseJobKey('west//prod/hello')).toThrow(
      "Invalid job key 'west//prod/hello': the role is empty",
    );
  });

  it.each([
    ['cluster', 'we st/www/prod/hello'],
    ['role', 'west/www data/prod/hello'],
    ['name', 'west/www/prod/hello!'],
    ['name', 'west/www/prod/héllo'],
    ['role', 'west/www:data/prod/hello'],
    ['name', 'west/www/prod/hello\n'],
  ] as const)('refuses a %s with a character outside the identifier set (%j)', (part, path) => {
    expect(jobKeyError(() => parseJobKey(path)).part).toBe(part);
  });

  it('names the bad part and the characters it may use', () => {
    expect(() => parseJobKey('west/www data/prod/hello')).toThrow(
      "Invalid job key 'west/www data/prod/hello': the role 'www data' may only contain " +
        "ASCII letters, digits, '_', '-' and '.'",
    );
  });

  it('refuses a part longer than 255 characters, saying how long it is', () => {
    const error = jobKeyError(() => parseJobKey(`west/www/prod/${'n'.repeat(256)}`));
    expect([
      error.part,
      error.message.endsWith('256 characters long, more than the 255 allowed'),
    ]).toEqual(['name', true]);
  });

  it('checks the parts from left to right and reports the first bad one', () => {
    expect(jobKeyError(() => parseJobKey('west/bad role/production/bad name')).part).toBe('role');
  });
});

describe('the environment of a job key', () => {
  it.each(['prod', 'devel', 'test', 'staging', 'staging1', 'staging42', 'staging007'])(
    "accepts '%s' by default",
    (environment) => {
      expect(parseJobKey(`west/www/${environment}/hello`).environment).toBe(environment);
    },
  );

  it.each(['production', 'dev', 'Prod', 'PROD', 'stage', 'staging-1', 'staging1a', 'qa', 'prod1'])(
    "refuses '%s' by default",
    (environment) => {
      expect(jobKeyError(() => parseJobKey(`west/www/${environment}/hello`)).part).toBe(
        'environment',
      );
    },
  );

  it('quotes the pattern it must match', () => {
    expect(() => parseJobKey('west/www/production/hello')).toThrow(
      String.raw`the environment 'production' does not match ^(prod|devel|test|staging\d*)$`,
    );
  });

  it("accepts an environment allowed by the operator's own pattern", () => {
    const options = { allowedEnvironments: 'qa|prod' };
    expect(parseJobKey('west/www/qa/hello', options).environment).toBe('qa');
  });

  it("refuses an environment outside the operator's own pattern", () => {
    const options = { allowedEnvironments: 'qa|prod' };
    expect(jobKeyError(() => parseJobKey('west/www/devel/hello', options)).part).toBe(
      'environment',
    );
  });

  it("matches the operator's pattern against the whole environment, as Java's matches() does", () => {
    const options = { allowedEnvironments: 'qa' };
    expect(jobKeyError(() => parseJobKey('west/www/qa2/hello', options)).part).toBe('environment');
  });

  it("still applies the identifier rule when the operator's pattern is looser", () => {
    const options = { allowedEnvironments: '.*' };
    expect(jobKeyError(() => parseJobKey('west/www/pr od/hello', options)).part).toBe(
      'environment',
    );
  });
});

describe('parsing instances', () => {
  it('reads a single instance', () => {
    expect(parseInstances('3')).toEqual([{ first: 3, last: 3 }]);
  });

  it('reads an inclusive range', () => {
    expect(parseInstances('2-4')).toEqual([{ first: 2, last: 4 }]);
  });

  it('reads a mixed list of instances and ranges', () => {
    expect(parseInstances('0,2-4')).toEqual([
      { first: 0, last: 0 },
      { first: 2, last: 4 },
    ]);
  });

  it('accepts a range of one instance', () => {
    expect(parseInstances('5-5')).toEqual([{ first: 5, last: 5 }]);
  });

  it('sorts the instances', () => {
    expect(ranges(parseInstances('7,1,4-5'))).toBe('1,4-5,7');
  });

  it('merges duplicates', () => {
    expect(ranges(parseInstances('1,1,1'))).toBe('1');
  });

  it('merges overlapping ranges', () => {
    expect(ranges(parseInstances('0-5,3-8'))).toBe('0-8');
  });

  it('merges adjacent instances into one range', () => {
    expect(ranges(parseInstances('0,1,2,4'))).toBe('0-2,4');
  });

  it('merges a range that contains another', () => {
    expect(ranges(parseInstances('2-3,0-10'))).toBe('0-10');
  });

  it('gives the same ranges for every spelling of the same set', () => {
    expect(parseInstances('3,0-2')).toEqual(parseInstances('0,1,2,3'));
  });

  it('reads leading zeros as Python int() does', () => {
    expect(ranges(parseInstances('007'))).toBe('7');
  });

  it('tolerates blanks around numbers, as Python int() does', () => {
    expect(ranges(parseInstances(' 0 , 2 - 4 '))).toBe('0,2-4');
  });

  it('treats the empty string as all instances, as the Aurora client does', () => {
    expect(parseInstances('')).toBe('all');
  });

  it('accepts the largest Thrift i32 as an instance id', () => {
    expect(ranges(parseInstances('2147483647'))).toBe('2147483647');
  });

  it('keeps a huge range as a range instead of listing its members', () => {
    expect(parseInstances('0-2147483647')).toEqual([{ first: 0, last: 2147483647 }]);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => parseInstances('4-2')).toThrow(
      "Invalid instances '4-2': the range 4-2 ends before it starts",
    );
  });

  it('refuses an instance above the largest Thrift i32', () => {
    expect(() => parseInstances('2147483648')).toThrow(
      'instance 2147483648 is larger than the largest instance id, 2147483647',
    );
  });

  it.each([
    ['a word', 'all'],
    ['a negative number', '-1'],
    ['a plus sign', '+1'],
    ['a fraction', '1.5'],
    ['a range open at the end', '2-'],
    ['a range open at the start', '-2'],
    ['a range with three bounds', '1-2-3'],
    ['a space inside a number', '1 0'],
    ['hexadecimal', '0x1'],
  ])('refuses %s', (_, text) => {
    expect(instancesError(() => parseInstances(text)).input).toBe(text);
  });

  it.each(['0,,2', ',0', '0,', ',', ' '])("refuses the empty entry in '%s'", (text) => {
    expect(() => parseInstances(text)).toThrow('it has an empty entry');
  });

  it('quotes the entry it could not read', () => {
    expect(() => parseInstances('0,x,2')).toThrow(
      "Invalid instances '0,x,2': 'x' is neither an instance number nor a range such as 2-4",
    );
  });
});

describe('formatting instance ranges', () => {
  it('writes single instances as numbers and ranges with a hyphen', () => {
    expect(
      formatInstanceRanges([
        { first: 0, last: 0 },
        { first: 2, last: 4 },
      ]),
    ).toBe('0,2-4');
  });

  it('writes no ranges as the empty string', () => {
    expect(formatInstanceRanges([])).toBe('');
  });

  it.each(['0', '0-3', '1,3,5', '0,2-4,9-12'])('round-trips %s through parseInstances', (text) => {
    expect(ranges(parseInstances(text))).toBe(text);
  });
});

describe('parsing an instance specifier', () => {
  it('selects all instances when only a job key is given', () => {
    expect(parseInstanceSpec('west/www/prod/hello')).toEqual({
      jobKey: { cluster: 'west', role: 'www', environment: 'prod', name: 'hello' },
      instances: 'all',
    });
  });

  it('selects the listed instances after a fifth part', () => {
    expect(ranges(parseInstanceSpec('west/www/prod/hello/0,2-4').instances)).toBe('0,2-4');
  });

  it('reads the job key of a specifier with instances', () => {
    expect(formatJobKey(parseInstanceSpec('west/www/prod/hello/1').jobKey)).toBe(
      'west/www/prod/hello',
    );
  });

  it('selects all instances after a trailing slash, as the Aurora client does', () => {
    expect(parseInstanceSpec('west/www/prod/hello/').instances).toBe('all');
  });

  it('refuses the empty string', () => {
    expect(() => parseInstanceSpec('')).toThrow("Invalid instance specifier '': it is empty");
  });

  it.each([
    ['three parts', 'www/prod/hello'],
    ['six parts', 'west/www/prod/hello/0/1'],
  ])('refuses a specifier with %s', (_, spec) => {
    expect(() => parseInstanceSpec(spec)).toThrow(
      'expected CLUSTER/ROLE/ENV/NAME or CLUSTER/ROLE/ENV/NAME/INSTANCES',
    );
  });

  it('refuses a bad job key, naming the whole specifier', () => {
    expect(() => parseInstanceSpec('west/www/production/hello/0')).toThrow(
      "Invalid instance specifier 'west/www/production/hello/0': the environment 'production'",
    );
  });

  it('refuses bad instances with an instances error', () => {
    expect(instancesError(() => parseInstanceSpec('west/www/prod/hello/4-2')).input).toBe('4-2');
  });

  it('checks the job key before the instances', () => {
    expect(jobKeyError(() => parseInstanceSpec('west/www/production/hello/4-2')).part).toBe(
      'environment',
    );
  });

  it("applies the operator's environments to the job key", () => {
    const options = { allowedEnvironments: 'qa' };
    expect(parseInstanceSpec('west/www/qa/hello', options).jobKey.environment).toBe('qa');
  });
});

describe('parsing a task instance key', () => {
  it('reads the job key and the single instance', () => {
    expect(parseTaskInstanceKey('west/www/prod/hello/3')).toEqual({
      jobKey: { cluster: 'west', role: 'www', environment: 'prod', name: 'hello' },
      instance: 3,
    });
  });

  it('reads instance 0', () => {
    expect(parseTaskInstanceKey('west/www/prod/hello/0').instance).toBe(0);
  });

  it.each([
    ['no instance part', 'west/www/prod/hello'],
    ['six parts', 'west/www/prod/hello/0/1'],
  ])('refuses a key with %s', (_, key) => {
    expect(() => parseTaskInstanceKey(key)).toThrow(
      `Invalid task instance key '${key}': expected CLUSTER/ROLE/ENV/NAME/INSTANCE`,
    );
  });

  it.each([
    ['an empty instance', ''],
    ['a range', '0-2'],
    ['a list', '0,1'],
    ['a negative number', '-1'],
    ['a word', 'first'],
  ])('refuses %s as the instance', (_, instance) => {
    expect(
      instancesError(() => parseTaskInstanceKey(`west/www/prod/hello/${instance}`)).message,
    ).toBe(`Invalid instances '${instance}': expected a single instance number such as 0`);
  });

  it('refuses an instance above the largest Thrift i32', () => {
    expect(() => parseTaskInstanceKey('west/www/prod/hello/2147483648')).toThrow(
      InvalidInstancesError,
    );
  });

  it('refuses a bad job key, naming the whole key', () => {
    expect(jobKeyError(() => parseTaskInstanceKey('west/www data/prod/hello/0')).form).toBe(
      'task instance key',
    );
  });
});

describe('the errors', () => {
  it('give a job key error the stable code MESOLITE_ERR_INVALID_JOB_KEY', () => {
    expect(jobKeyError(() => parseJobKey('nope')).code).toBe('MESOLITE_ERR_INVALID_JOB_KEY');
  });

  it('give an instances error the stable code MESOLITE_ERR_INVALID_INSTANCES', () => {
    expect(instancesError(() => parseInstances('x')).code).toBe('MESOLITE_ERR_INVALID_INSTANCES');
  });

  it('expose their codes on the classes', () => {
    expect([InvalidJobKeyError.code, InvalidInstancesError.code]).toEqual([
      'MESOLITE_ERR_INVALID_JOB_KEY',
      'MESOLITE_ERR_INVALID_INSTANCES',
    ]);
  });

  it('mark both as client errors', () => {
    const statuses = [
      jobKeyError(() => parseJobKey('nope')).statusCode,
      instancesError(() => parseInstances('x')).statusCode,
    ];
    expect(statuses).toEqual([400, 400]);
  });

  it('keep the text exactly as given', () => {
    expect(jobKeyError(() => parseJobKey('west//prod/hello')).input).toBe('west//prod/hello');
  });

  it('are Errors with their own names', () => {
    const error = jobKeyError(() => parseJobKey('nope'));
    expect([error instanceof Error, error.name]).toEqual([true, 'InvalidJobKeyError']);
  });
});
