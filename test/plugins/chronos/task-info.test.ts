import type { Offer } from '@mesolite/daemon/protocol/mesos';
import { freshJobState } from '@mesolite/plugin-chronos/job/job-state';
import { CHRONOS_DEFAULTS, parseJob } from '@mesolite/plugin-chronos/job/parse-job';
import { buildTaskInfo, offerFits } from '@mesolite/plugin-chronos/job/task-info';
import { newRun } from '@mesolite/plugin-chronos/scheduling/planner';
import { describe, expect, it } from 'vitest';

const T0 = Date.parse('2024-06-15T12:00:00Z');

const offer: Offer = {
  id: { value: 'o1' },
  framework_id: { value: 'f' },
  agent_id: { value: 'a1' },
  hostname: 'node-1',
  resources: [
    { name: 'cpus', type: 'SCALAR', scalar: { value: 1 } },
    { name: 'mem', type: 'SCALAR', scalar: { value: 256 } },
    { name: 'disk', type: 'SCALAR', scalar: { value: 1024 } },
  ],
  attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
};

function job(extra: Record<string, unknown>) {
  return parseJob(
    { name: 'nightly', command: 'run.sh', schedule: 'R//PT1H', owner: 'ops@example.com', ...extra },
    'iso8601',
    {
      now: T0,
      defaults: CHRONOS_DEFAULTS,
      existing: new Map(),
    },
  ).job;
}

function taskFor(extra: Record<string, unknown> = {}, args?: string[]) {
  const definition = job(extra);
  const run = newRun(definition, freshJobState(), {
    dueAt: T0,
    reason: 'schedule',
    now: T0,
    attempt: 1,
    ...(args === undefined ? {} : { arguments: args }),
  });
  return buildTaskInfo({ job: definition, run, offer, callbackUrl: 'http://127.0.0.1:5050/cb' });
}

describe('a run’s TaskInfo', () => {
  it('gives an async task its callback token only when the master asks for credentials', () => {
    const definition = job({ async: true });
    const run = newRun(definition, freshJobState(), { dueAt: T0, reason: 'schedule', now: T0 });
    const variables = (callbackToken?: string) =>
      Object.fromEntries(
        (
          buildTaskInfo({
            job: definition,
            run,
            offer,
            callbackUrl: 'https://127.0.0.1:5050/service/chronos/scheduler/task/x',
            callbackToken,
          }).command?.environment?.variables ?? []
        ).map((variable) => [variable.name, variable.value]),
      );
    expect(variables('scoped-token')).toMatchObject({
      MESOLITE_CALLBACK_TOKEN: 'scoped-token',
      MESOLITE_CHRONOS_CALLBACK_URL: 'https://127.0.0.1:5050/service/chronos/scheduler/task/x',
    });
    expect(variables()).not.toHaveProperty('MESOLITE_CALLBACK_TOKEN');
  });

  it('gives the task Chronos’s environment and its own variables', () => {
    const variables = Object.fromEntries(
      (
        taskFor({ environmentVariables: [{ name: 'LEVEL', value: 'debug' }] }).command?.environment
          ?.variables ?? []
      ).map((variable) => [variable.name, variable.value]),
    );
    expect(variables).toMatchObject({
      LEVEL: 'debug',
      mesos_task_id: `ct:${T0}:1:nightly:`,
      MESOS_TASK_ID: `ct:${T0}:1:nightly:`,
      CHRONOS_JOB_NAME: 'nightly',
      CHRONOS_JOB_OWNER: 'ops@example.com',
      CHRONOS_JOB_RUN_TIME: '2024-06-15T12:00:00.000Z',
      CHRONOS_JOB_RUN_ATTEMPT: '1',
      MESOLITE_CHRONOS_CALLBACK_URL: 'http://127.0.0.1:5050/cb',
    });
  });

  it('appends the arguments to a shell command line, and names them in the task id', () => {
    const task = taskFor({}, ['--full', 'now']);
    expect(task.command).toMatchObject({ shell: true, value: 'run.sh --full now' });
    expect(task.task_id.value).toBe(`ct:${T0}:1:nightly:--full now`);
  });

  it('runs the command without a shell when shell is false', () => {
    expect(taskFor({ shell: false, arguments: ['-v'] }).command).toMatchObject({
      shell: false,
      value: 'run.sh',
      arguments: ['run.sh', '-v'],
    });
  });

  it('asks for the job’s cpus, mem and disk', () => {
    expect(
      (taskFor({ cpus: 0.5, mem: 64, disk: 0 }).resources ?? []).map((resource) => [
        resource.name,
        resource.scalar?.value,
      ]),
    ).toEqual([
      ['cpus', 0.5],
      ['mem', 64],
    ]);
  });

  it('runs a Docker job in its image with its network and volumes', () => {
    const task = taskFor({
      container: {
        type: 'DOCKER',
        image: 'busybox',
        network: 'HOST',
        forcePullImage: true,
        volumes: [{ containerPath: '/data', hostPath: '/srv', mode: 'RO' }],
      },
    });
    expect(task.container).toMatchObject({
      type: 'DOCKER',
      docker: { image: 'busybox', network: 'HOST', force_pull_image: true },
      volumes: [{ container_path: '/data', host_path: '/srv', mode: 'RO' }],
    });
  });
});

describe('offers', () => {
  const used = () => ({ cpus: 0, mem: 0, disk: 0 });

  it('fit a job whose resources they hold', () => {
    expect(offerFits(job({ mem: 256 }), offer, used())).toBe(true);
    expect(offerFits(job({ mem: 257 }), offer, used())).toBe(false);
    expect(offerFits(job({ mem: 200 }), offer, { cpus: 0, mem: 100, disk: 0 })).toBe(false);
  });

  it('fit only where the job’s constraints hold', () => {
    expect(offerFits(job({ constraints: [['rack', 'EQUALS', 'r1']] }), offer, used())).toBe(true);
    expect(offerFits(job({ constraints: [['rack', 'EQUALS', 'r2']] }), offer, used())).toBe(false);
    expect(offerFits(job({ constraints: [['hostname', 'LIKE', 'node-.*']] }), offer, used())).toBe(
      true,
    );
    expect(
      offerFits(job({ constraints: [['hostname', 'UNLIKE', 'node-.*']] }), offer, used()),
    ).toBe(false);
  });
});
