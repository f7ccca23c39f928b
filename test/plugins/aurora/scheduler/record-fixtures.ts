import type { Job } from '@mesolite/plugin-aurora/job-config';
import type {
  JobRecord,
  ScheduleStatus,
  TaskRecord,
  UpdateRecord,
} from '@mesolite/plugin-aurora/state/records';

export function jobRecord(config: Job, version = 'v1', instances = config.instances): JobRecord {
  const targets: JobRecord['instances'] = {};
  for (let id = 0; id < instances; id++) targets[String(id)] = { version, generation: 0 };
  return {
    key: 'devcluster/www-data/devel/x',
    version,
    configs: { [version]: config },
    instances: targets,
    createdAt: 0,
  };
}

let counter = 0;

/** A task of instance `instance` in `status`, created at `at`. */
export function taskRecord(
  instance: number,
  status: ScheduleStatus,
  overrides: Partial<TaskRecord> = {},
): TaskRecord {
  counter++;
  return {
    taskId: `task-${counter}`,
    jobKey: 'devcluster/www-data/devel/x',
    instance,
    version: 'v1',
    generation: 0,
    status,
    events: [{ status: 'PENDING', timestamp: counter }],
    notBefore: 0,
    penaltyMs: 0,
    failureCount: 0,
    ports: {},
    ...overrides,
  };
}

export function updateRecord(
  instances: number[],
  settings: Partial<UpdateRecord['settings']> = {},
): UpdateRecord {
  return {
    id: 'u1',
    jobKey: 'devcluster/www-data/devel/x',
    status: 'ROLLING_FORWARD',
    fromVersion: 'v1',
    toVersion: 'v2',
    settings: {
      batch_size: 1,
      watch_secs: 10,
      max_per_shard_failures: 0,
      max_total_failures: 0,
      rollback_on_failure: true,
      wait_for_batch_completion: false,
      ...settings,
    },
    instances: Object.fromEntries(
      instances.map((id) => [
        String(id),
        {
          status: 'PENDING' as const,
          target: { version: 'v2', generation: 0 },
          original: { version: 'v1', generation: 0 },
          failures: 0,
          countedTasks: [],
        },
      ]),
    ),
    createdAt: 0,
    events: [{ status: 'ROLLING_FORWARD', timestamp: 0 }],
  };
}
