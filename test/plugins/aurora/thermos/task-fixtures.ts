import type { Job, Process, Task } from '@mesolite/plugin-aurora/job-config';

/** A Process with Aurora's defaults, changed where a test says. */
export function process(name: string, cmdline: string, overrides: Partial<Process> = {}): Process {
  return {
    name,
    cmdline,
    max_failures: 1,
    daemon: false,
    ephemeral: false,
    min_duration: 5,
    final: false,
    ...overrides,
  };
}

/** A Task with Aurora's defaults, changed where a test says. */
export function task(processes: Process[], overrides: Partial<Task> = {}): Task {
  return {
    name: 'task',
    processes,
    constraints: [],
    resources: { cpu: 0.1, ram: 16 * 1024 * 1024, disk: 16 * 1024 * 1024, gpu: 0 },
    max_failures: 1,
    max_concurrency: 0,
    finalization_wait: 30,
    ...overrides,
  };
}

/** SequentialTask: each process after the one before it. */
export function sequentialTask(processes: Process[], overrides: Partial<Task> = {}): Task {
  return task(processes, { constraints: [{ order: processes.map((p) => p.name) }], ...overrides });
}

/** A loaded Job with Aurora's defaults around `t`, changed where a test says. */
export function job(name: string, t: Task, overrides: Partial<Job> = {}): Job {
  return {
    name,
    role: 'www-data',
    cluster: 'devcluster',
    environment: 'devel',
    instances: 1,
    task: t,
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
      health_checker: {},
      initial_interval_secs: 15,
      interval_secs: 10,
      max_consecutive_failures: 0,
      min_consecutive_successes: 1,
      timeout_secs: 1,
    },
    ...overrides,
  };
}
