import { buildTaskInfo } from '@mesolite/plugin-aurora/scheduler/task-info';
import { RUNNER_SPEC_ENV } from '@mesolite/plugin-aurora/thermos/runner-spec';
import { describe, expect, it } from 'vitest';
import { job, process, task } from '../thermos/task-fixtures.js';

const MB = 1024 * 1024;
const offer = {
  id: { value: 'o1' },
  framework_id: { value: 'f1' },
  agent_id: { value: 'a1' },
  hostname: 'node1',
  resources: [],
};

const web = job(
  'web',
  task([process('serve', 'serve --port={{thermos.ports[http]}} --shard={{mesos.instance}}')], {
    resources: { cpu: 0.5, ram: 64 * MB, disk: 32 * MB, gpu: 0 },
  }),
  {
    health_check_config: {
      health_checker: {
        http: { endpoint: '/health', expected_response: 'ok', expected_response_code: 0 },
      },
      initial_interval_secs: 15,
      interval_secs: 10,
      max_consecutive_failures: 0,
      min_consecutive_successes: 1,
      timeout_secs: 1,
    },
  },
);

const programs = {
  runner: 'https://10.0.0.5:5050/mesolite/v1/plugins/aurora/artifacts/aa/thermos-runner.mjs',
  httpCheck: 'https://10.0.0.5:5050/mesolite/v1/plugins/aurora/artifacts/bb/aurora-http-check.mjs',
};

describe('the TaskInfo of an Aurora task', () => {
  const info = buildTaskInfo({
    job: web,
    taskId: 't-1',
    instance: 2,
    offer,
    ports: { http: 31005 },
    programs,
  });

  it('fetches the runner and the HTTP check from the master, cached, and runs them from the sandbox on the agent’s Node', () => {
    expect(info.command?.uris).toEqual([
      { value: programs.runner, executable: true, cache: true },
      { value: programs.httpCheck, executable: true, cache: true },
    ]);
    expect(info.command?.value).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's parameter expansion.
      '"${MESOLITE_NODE:-node}" "$MESOS_SANDBOX/thermos-runner.mjs"',
    );
    expect(info.health_check?.command?.value).toMatch(
      /^"\$\{MESOLITE_NODE:-node\}" "\$MESOS_SANDBOX\/aurora-http-check.mjs" /,
    );
  });

  it('fetches only the runner for a task without an HTTP health check', () => {
    const plain = buildTaskInfo({
      job: job('batch', task([process('p', 'true')])),
      taskId: 't-2',
      instance: 0,
      offer,
      ports: {},
      programs,
    });
    expect(plain.command?.uris).toEqual([
      { value: programs.runner, executable: true, cache: true },
    ]);
  });

  it('runs the Thermos runner with the task, its launch-time names resolved, in its environment', () => {
    const variable = info.command?.environment?.variables?.find((v) => v.name === RUNNER_SPEC_ENV);
    const spec = JSON.parse(variable?.value ?? '{}');
    expect(spec.task_id).toBe('t-1');
    expect(spec.task.processes[0].cmdline).toBe('serve --port=31005 --shard=2');
  });

  it('asks for the task’s resources plus the executor’s overhead, and its ports', () => {
    expect(info.resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.75 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 192 } },
      { name: 'disk', type: 'SCALAR', scalar: { value: 32 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31005, end: 31005 }] } },
    ]);
  });

  it('checks health on the http port after initial_interval_secs, unhealthy after one failure', () => {
    expect(info.health_check).toMatchObject({
      type: 'COMMAND',
      grace_period_seconds: 15,
      interval_seconds: 10,
      timeout_seconds: 1,
      consecutive_failures: 1,
    });
    expect(info.health_check?.command?.value).toContain("'31005' '/health' 'ok' '0'");
  });

  it('gives the runner finalization_wait and some slack before the agent’s SIGKILL', () => {
    expect(info.kill_policy?.grace_period?.nanoseconds).toBe(35_000_000_000);
  });
});
