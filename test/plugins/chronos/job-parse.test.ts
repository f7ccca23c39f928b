import {
  DependencyCycleError,
  InvalidJobError,
  InvalidScheduleError,
  UnknownParentError,
} from '@mesolite/plugin-chronos/errors';
import type { GraphJob } from '@mesolite/plugin-chronos/job/dependency-graph';
import { CHRONOS_DEFAULTS, type JobKind, parseJob } from '@mesolite/plugin-chronos/job/parse-job';
import { describe, expect, it } from 'vitest';

const NOW = Date.parse('2024-06-15T12:00:00Z');

function parse(body: unknown, kind: JobKind = 'iso8601', existing: GraphJob[] = []) {
  return parseJob(body, kind, {
    now: NOW,
    defaults: CHRONOS_DEFAULTS,
    existing: new Map(existing.map((job) => [job.name, job])),
  });
}

function rejection(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('a posted job', () => {
  it('gets Chronos’s defaults for every field it leaves out', () => {
    const { job } = parse({
      name: 'backup',
      command: 'echo hi',
      schedule: 'R/2024-06-15T12:00:00Z/PT1M',
    });
    expect(job).toEqual({
      name: 'backup',
      command: 'echo hi',
      shell: true,
      arguments: [],
      schedule: 'R/2024-06-15T12:00:00Z/PT1M',
      scheduleTimeZone: '',
      epsilon: 'PT60S',
      async: false,
      retries: 2,
      cpus: 0.1,
      mem: 128,
      disk: 256,
      disabled: false,
      concurrent: false,
      softError: false,
      highPriority: false,
      owner: '',
      ownerName: '',
      description: '',
      uris: [],
      fetch: [],
      environmentVariables: [],
      constraints: [],
      runAsUser: 'root',
    });
  });

  it('ignores fields Chronos reports but does not read, such as its counters', () => {
    const { job } = parse({
      name: 'a',
      command: 'true',
      schedule: 'R//PT1S',
      successCount: 4,
      lastSuccess: '2024-01-01T00:00:00.000Z',
    });
    expect(job).not.toHaveProperty('successCount');
  });

  it('keeps a failure webhook from the mesolite extension object', () => {
    const { job } = parse({
      name: 'a',
      command: 'true',
      schedule: 'R//PT1S',
      mesolite: { failureWebhook: 'http://127.0.0.1:9/hook' },
    });
    expect(job.failureWebhook).toBe('http://127.0.0.1:9/hook');
  });

  it('defaults a container to Docker with bridge networking and read-write volumes', () => {
    const { job } = parse({
      name: 'a',
      command: 'echo',
      schedule: 'R//PT1S',
      container: { image: 'busybox', volumes: [{ containerPath: '/data', hostPath: '/tmp' }] },
    });
    expect(job.container).toEqual({
      type: 'DOCKER',
      image: 'busybox',
      network: 'BRIDGE',
      volumes: [{ containerPath: '/data', hostPath: '/tmp', mode: 'RW' }],
      forcePullImage: false,
    });
  });

  it('accepts a cron expression with a time zone as a schedule', () => {
    const { schedule } = parse({
      name: 'a',
      command: 'true',
      schedule: '*/5 * * * *',
      scheduleTimeZone: 'Europe/Paris',
    });
    expect(schedule).toEqual({ kind: 'cron', expression: '*/5 * * * *', timeZone: 'Europe/Paris' });
  });
});

describe('an invalid job is refused with 400 and a message naming the problem', () => {
  it('without a command', () => {
    const error = rejection(() => parse({ name: 'a', schedule: 'R//PT1S' }));
    expect(error).toBeInstanceOf(InvalidJobError);
    expect((error as InvalidJobError).statusCode).toBe(400);
    expect(error.message).toMatch(/no command/);
  });

  it('with a schedule that is neither ISO 8601 nor cron', () => {
    const error = rejection(() =>
      parse({ name: 'a', command: 'true', schedule: 'R5/2024-13-01T00:00:00Z/PT1S' }),
    );
    expect(error).toBeInstanceOf(InvalidScheduleError);
    const cron = rejection(() => parse({ name: 'a', command: 'true', schedule: 'every day' }));
    expect(cron).toBeInstanceOf(InvalidScheduleError);
    expect(cron.message).toMatch(/every day/);
  });

  it('without a schedule on /scheduler/iso8601', () => {
    expect(rejection(() => parse({ name: 'a', command: 'true' })).message).toMatch(/no schedule/);
  });

  it('with an unknown parent', () => {
    const error = rejection(() =>
      parse({ name: 'b', command: 'true', parents: ['nope'] }, 'dependency'),
    );
    expect(error).toBeInstanceOf(UnknownParentError);
    expect(error.message).toMatch(/"nope"/);
  });

  it('without parents on /scheduler/dependency', () => {
    expect(rejection(() => parse({ name: 'b', command: 'true' }, 'dependency')).message).toMatch(
      /no parents/,
    );
  });

  it('that would close a dependency cycle', () => {
    const existing = [{ name: 'a', parents: ['c'] }, { name: 'b', parents: ['a'] }, { name: 'c' }];
    const error = rejection(() =>
      parse({ name: 'c', command: 'true', parents: ['b'] }, 'dependency', existing),
    );
    expect(error).toBeInstanceOf(DependencyCycleError);
    expect(error.message).toMatch(/c -> a -> b -> c|a -> b -> c -> a|b -> c -> a -> b/);
  });

  it('that is its own parent', () => {
    expect(
      rejection(() =>
        parse({ name: 'a', command: 'true', parents: ['a'] }, 'dependency', [{ name: 'a' }]),
      ),
    ).toBeInstanceOf(DependencyCycleError);
  });

  it('with a field of the wrong type', () => {
    const error = rejection(() =>
      parse({ name: 'a', command: 'true', schedule: 'R//PT1S', retries: 'two' }),
    );
    expect(error).toBeInstanceOf(InvalidJobError);
    expect(error.message).toMatch(/retries/);
  });

  it('with a constraint Chronos does not know', () => {
    const bad = (constraint: string[]) =>
      rejection(() =>
        parse({ name: 'a', command: 'true', schedule: 'R//PT1S', constraints: [constraint] }),
      ).message;
    expect(bad(['rack', 'NEAR', 'x'])).toMatch(/EQUALS, LIKE or UNLIKE/);
    expect(bad(['rack', 'LIKE', '('])).toMatch(/regular expression/);
  });

  it('with a name Chronos does not allow', () => {
    expect(
      rejection(() => parse({ name: 'a/b', command: 'true', schedule: 'R//PT1S' })).message,
    ).toMatch(/name/);
  });

  it('with an epsilon that is no duration', () => {
    expect(
      rejection(() => parse({ name: 'a', command: 'true', schedule: 'R//PT1S', epsilon: '60s' }))
        .message,
    ).toMatch(/epsilon/);
  });
});
