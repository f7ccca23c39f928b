import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuroraEvaluationError,
  AuroraSchemaError,
  AuroraUnboundNameError,
} from '@mesolite/plugin-aurora/config/errors';
import {
  type LoadAuroraConfigOptions,
  loadAuroraConfig,
} from '@mesolite/plugin-aurora/config/load-config';
import type { Job } from '@mesolite/plugin-aurora/job-config';
import { describe, expect, it } from 'vitest';
import { configError } from './python.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

function load(name: string, options: Partial<LoadAuroraConfigOptions> = {}): Job[] {
  const filename = join(FIXTURES, name);
  return loadAuroraConfig(readFileSync(filename, 'utf8'), {
    filename,
    env: { USER: 'alice' },
    readFile: (path) => readFileSync(path, 'utf8'),
    ...options,
  }).jobs;
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe("the seed's examples", () => {
  it('loads hello_world with the role from USER and Aurora’s defaults', () => {
    const job = only(load('seed/aurora-hello_world.aurora'));
    expect(job).toEqual({
      name: 'hello_world',
      role: 'alice',
      cluster: 'cluster1',
      environment: 'devel',
      instances: 1,
      task: {
        name: 'hello_world',
        processes: [
          {
            name: 'hello_world',
            cmdline: 'echo hello world',
            max_failures: 1,
            daemon: false,
            ephemeral: false,
            min_duration: 5,
            final: false,
          },
        ],
        constraints: [],
        resources: { cpu: 0.1, ram: 16 * 1024 * 1024, disk: 16 * 1024 * 1024, gpu: 0 },
        max_failures: 1,
        max_concurrency: 0,
        finalization_wait: 30,
      },
      cron_collision_policy: 'KILL_EXISTING',
      update_config: {
        batch_size: 1,
        watch_secs: 45,
        max_per_shard_failures: 0,
        max_total_failures: 0,
        rollback_on_failure: true,
        wait_for_batch_completion: false,
      },
      metadata: [],
      service: false,
      max_task_failures: 1,
      production: false,
      priority: 0,
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
    });
  });

  it('refuses hello_world without USER, naming the missing role', () => {
    const error = configError(() => load('seed/aurora-hello_world.aurora', { env: {} }));
    expect(error).toBeInstanceOf(AuroraEvaluationError);
    expect(error.detail).toContain("missing required field 'role'");
    expect(error.line).toBe(6);
  });

  it('refuses hello_world_service until pkg_path and pkg_checksum are bound, naming both', () => {
    const error = configError(() => load('seed/aurora-hello_world_service.aurora'));
    expect(error).toBeInstanceOf(AuroraUnboundNameError);
    expect((error as AuroraUnboundNameError).names).toEqual(['pkg_path', 'pkg_checksum']);
    expect([error.line, error.column]).toEqual([4, 64]);
    expect(error.message).toContain('--bind pkg_path=VALUE --bind pkg_checksum=VALUE');
  });

  it('loads hello_world_service with --bind bindings, as a sequential service', () => {
    const job = only(
      load('seed/aurora-hello_world_service.aurora', {
        bindings: { pkg_path: '/vagrant/hello_world.py', pkg_checksum: '0123abcd' },
      }),
    );
    expect([job.cluster, job.role, job.environment, job.name, job.service]).toEqual([
      'devcluster',
      'www-data',
      'devel',
      'hello_world',
      true,
    ]);
    expect(job.task.name).toBe('fetch_package');
    expect(job.task.processes.map((p) => p.cmdline)).toEqual([
      'cp /vagrant/hello_world.py . && echo 0123abcd && chmod +x hello_world.py',
      'python -u hello_world.py',
    ]);
    expect(job.task.constraints).toEqual([{ order: ['fetch_package', 'hello_world'] }]);
    expect(job.task.resources).toEqual({ cpu: 1, ram: 1024 * 1024, disk: 8 * 1024 * 1024, gpu: 0 });
  });
});

describe('configurations of increasing difficulty', () => {
  it('builds several jobs from helper functions, comprehensions and formatting', () => {
    const jobs = load('02-several-jobs.aurora');
    expect(jobs.map((j) => `${j.role}/${j.environment}/${j.name}x${j.instances}`)).toEqual([
      'www-data/devel/webx1',
      'www-data/test/webx1',
      'www-data/prod/webx3',
      'batch/staging2/batchx1',
    ]);
    const prod = jobs[2] as Job;
    expect(prod.production).toBe(true);
    expect(prod.task.resources.ram).toBe(128 * 1024 * 1024);
    expect(prod.task.processes.map((p) => [p.name, p.cmdline, p.max_failures, p.final])).toEqual([
      ['fetch', 'echo fetching build 1.2.3 for prod', 1, false],
      ['serve', 'echo serving prod on web-prod', 3, false],
      ['tail', 'echo done in PROD', 1, true],
    ]);
    expect(prod.task.constraints).toEqual([{ order: ['fetch', 'serve', 'tail'] }]);
    const batch = jobs[3] as Job;
    expect(batch.priority).toBe(5);
    expect(batch.task.processes.map((p) => p.name)).toEqual(['step0', 'step1', 'step2']);
    expect(batch.task.constraints).toEqual([{ order: ['step0', 'step2'] }]);
    expect(batch.task.max_concurrency).toBe(2);
  });

  it('resolves templates through bound Structs and structural names, nearest scope first', () => {
    const [first, second] = load('03-templating.aurora') as [Job, Job];
    expect(first.name).toBe('templated');
    expect(first.instances).toBe(2);
    expect(second.instances).toBe(1);
    const [install, run, greet] = first.task.processes as [
      Job['task']['processes'][0],
      Job['task']['processes'][0],
      Job['task']['processes'][0],
    ];
    // {{name}} inside a Process is the process's own name: its struct is the nearest scope.
    expect(install.cmdline).toBe('echo installing app-1.0.tar.gz for alice/test/install in local');
    expect(run.name).toBe('run_1.0');
    expect(greet.cmdline).toBe('echo hello from greet');
    expect(second.task.processes[0]?.cmdline).toBe(
      'echo installing app-2.0.tar.gz for alice/staging/install in local',
    );
  });

  it('leaves the launch-time names for the runner', () => {
    const run = (load('03-templating.aurora')[0] as Job).task.processes[1];
    expect(run?.cmdline).toBe(
      'echo instance {{mesos.instance}} of install on {{mesos.hostname}} as {{thermos.user}} ({{thermos.task_id}})',
    );
  });

  it('loads cron jobs with their schedule and collision policy', () => {
    const jobs = load('04-cron.aurora');
    expect(jobs.map((j) => [j.name, j.cron_schedule, j.cron_collision_policy])).toEqual([
      ['report', '*/5 * * * *', 'CANCEL_NEW'],
      ['nightly', '0 3 * * *', 'KILL_EXISTING'],
    ]);
  });

  it('loads a service with an HTTP health check on {{thermos.ports[http]}}', () => {
    const [web, shell] = load('05-service-http.aurora', { env: { USER: 'webops' } }) as [Job, Job];
    expect(web).toMatchObject({
      name: 'web',
      role: 'webops',
      environment: 'prod',
      contact: 'ops@example.com',
      tier: 'preferred',
      instances: 2,
      service: true,
      announce: { primary_port: 'http', portmap: { aurora: 'http' } },
      constraints: { host: 'limit:1', rack: '!r1' },
      metadata: [{ key: 'team', value: 'web' }],
      health_check_config: {
        health_checker: {
          http: { endpoint: '/', expected_response: '', expected_response_code: 200 },
        },
        initial_interval_secs: 5,
        interval_secs: 2.5,
        max_consecutive_failures: 3,
        min_consecutive_successes: 1,
        timeout_secs: 1,
      },
      update_config: {
        batch_size: 2,
        watch_secs: 10,
        max_total_failures: 1,
        rollback_on_failure: true,
      },
      container: {
        docker: { image: 'busybox:latest', parameters: [{ name: 'env', value: 'A=1' }] },
      },
    });
    expect(web.task.processes[0]).toMatchObject({
      cmdline: 'python3 -m http.server {{thermos.ports[http]}} --bind 0.0.0.0',
      daemon: true,
      min_duration: 1,
    });
    expect(shell.health_check_config.health_checker).toEqual({ shell: { shell_command: 'true' } });
    expect(shell.container).toEqual({
      mesos: { image: { docker: { name: 'busybox', tag: 'latest' } }, volumes: [] },
    });
  });

  it('includes files relative to the first configuration file', () => {
    const job = only(load('include/main.aurora'));
    expect(job.task.processes[0]?.cmdline).toBe('echo hello from an included file');
    expect(job.task.resources.ram).toBe(32 * 1024 * 1024);
  });

  it('resolves includes of a relative first file without the process’s working directory', () => {
    const read: string[] = [];
    loadAuroraConfig("include('lib/units.aurora')\njobs = []", {
      filename: 'configs/main.aurora',
      readFile: (path) => {
        read.push(path);
        return 'x = 1';
      },
    });
    expect(read).toEqual(['configs/lib/units.aurora']);
  });

  it('names the included file and line when an included file is wrong', () => {
    const files: Record<string, string> = { '/cfg/lib/bad.aurora': 'x = 1\ny = 1 +\n' };
    const error = configError(() =>
      loadAuroraConfig("include('lib/bad.aurora')\njobs = []", {
        filename: '/cfg/main.aurora',
        readFile: (path) => files[path] ?? '',
      }),
    );
    expect([error.file, error.line]).toEqual(['/cfg/lib/bad.aurora', 2]);
  });
});

describe('jobs that do not fit Aurora’s schema', () => {
  const task =
    "task = Task(processes = [Process(name = 'p', cmdline = 'true')], resources = Resources(cpu = 1, ram = MB, disk = MB))\n";
  const loadText = (text: string, options: Partial<LoadAuroraConfigOptions> = {}) =>
    loadAuroraConfig(task + text, { filename: 'job.aurora', ...options }).jobs;

  it('refuses a file without jobs', () => {
    expect(configError(() => loadText('x = 1')).detail).toContain(
      "assign a list of Job or Service values to 'jobs'",
    );
  });

  it('refuses an environment outside Aurora’s pattern', () => {
    const error = configError(() =>
      loadText("jobs = [Job(cluster = 'c', role = 'r', environment = 'production', task = task)]"),
    );
    expect(error).toBeInstanceOf(AuroraSchemaError);
    expect(error.detail).toContain('environment');
    expect(error.line).toBe(2);
  });

  it('refuses the RUN_OVERLAP collision policy', () => {
    const error = configError(() =>
      loadText(
        "jobs = [Job(cluster = 'c', role = 'r', task = task, cron_schedule = '* * * * *', cron_collision_policy = 'RUN_OVERLAP')]",
      ),
    );
    expect(error.detail).toContain('RUN_OVERLAP is not supported');
  });

  it('refuses a field Aurora does not have, naming it', () => {
    const error = configError(() =>
      loadText("jobs = [Job(cluster = 'c', role = 'r', task = task, colour = 'blue')]"),
    );
    expect(error.detail).toContain("Job has no field 'colour'");
    expect([error.line, error.column]).toEqual([2, 12]);
  });

  it('refuses an unbound template name, naming it', () => {
    const error = configError(() =>
      loadText(
        "jobs = [Job(cluster = 'c', role = 'r', task = task(processes = [Process(name = 'p', cmdline = 'run {{version}}')]))]",
      ),
    );
    expect(error).toBeInstanceOf(AuroraUnboundNameError);
    expect((error as AuroraUnboundNameError).names).toEqual(['version']);
    expect(error.detail).toContain("in job 'p'");
  });

  it('resolves a template name from --bind', () => {
    const jobs = loadText(
      "jobs = [Job(cluster = 'c', role = 'r', task = task(processes = [Process(name = 'p', cmdline = 'run {{version}}')]))]",
      { bindings: { version: '1.2' } },
    );
    expect(jobs[0]?.task.processes[0]?.cmdline).toBe('run 1.2');
  });

  it('refuses a launch-time name Thermos does not provide', () => {
    const error = configError(() =>
      loadText(
        "jobs = [Job(cluster = 'c', role = 'r', task = task(processes = [Process(name = 'p', cmdline = '{{thermos.secret}}')]))]",
      ),
    );
    expect((error as AuroraUnboundNameError).names).toEqual(['thermos.secret']);
  });

  it('refuses a missing task', () => {
    expect(configError(() => loadText("jobs = [Job(cluster = 'c', role = 'r')]")).detail).toContain(
      "missing required field 'task'",
    );
  });
});
