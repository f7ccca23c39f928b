/**
 * A loaded Aurora job, as JSON: what pystachio's `Job(...).get()` gives for Aurora's
 * schema (apache/aurora config/schema/base.py and thermos/config/schema_base.py), and
 * what `aurora job inspect --write-json` prints. It is the contract between the
 * configuration evaluator (which produces it, defaults filled in, user-bound names
 * resolved) and the scheduler and Thermos runner (which consume it). Strings may still
 * hold the launch-time templates `{{thermos.ports[NAME]}}`, `{{thermos.task_id}}`,
 * `{{thermos.user}}`, `{{mesos.instance}}` and `{{mesos.hostname}}`; nothing else.
 *
 * Sizes are bytes (Resources.ram = 128 * MB = 134217728), durations seconds, as in Aurora.
 */
import { type Static, Type } from 'typebox';

const Bytes = Type.Integer({ minimum: 0 });

export const Resources = Type.Object({
  cpu: Type.Number({ minimum: 0 }),
  ram: Bytes,
  disk: Bytes,
  gpu: Type.Integer({ minimum: 0 }),
});
export type Resources = Static<typeof Resources>;

export const Process = Type.Object({
  name: Type.String({ minLength: 1 }),
  cmdline: Type.String(),
  max_failures: Type.Integer({ minimum: 0 }),
  daemon: Type.Boolean(),
  ephemeral: Type.Boolean(),
  min_duration: Type.Integer({ minimum: 0 }),
  final: Type.Boolean(),
});
export type Process = Static<typeof Process>;

/** Thermos's only constraint: the named processes run one after another, in this order. */
export const OrderConstraint = Type.Object({ order: Type.Array(Type.String()) });
export type OrderConstraint = Static<typeof OrderConstraint>;

export const Task = Type.Object({
  name: Type.String({ minLength: 1 }),
  processes: Type.Array(Process),
  constraints: Type.Array(OrderConstraint),
  resources: Resources,
  max_failures: Type.Integer({ minimum: 0 }),
  /** 0 means no limit. */
  max_concurrency: Type.Integer({ minimum: 0 }),
  finalization_wait: Type.Integer({ minimum: 0 }),
});
export type Task = Static<typeof Task>;

export const HttpHealthChecker = Type.Object({
  endpoint: Type.String(),
  expected_response: Type.String(),
  /** 0 means any 200 answer whose body matches expected_response. */
  expected_response_code: Type.Integer(),
});

export const ShellHealthChecker = Type.Object({ shell_command: Type.String() });

export const HealthCheckConfig = Type.Object({
  health_checker: Type.Object({
    http: Type.Optional(HttpHealthChecker),
    shell: Type.Optional(ShellHealthChecker),
  }),
  initial_interval_secs: Type.Number({ minimum: 0 }),
  interval_secs: Type.Number({ minimum: 0 }),
  max_consecutive_failures: Type.Integer({ minimum: 0 }),
  min_consecutive_successes: Type.Integer({ minimum: 0 }),
  timeout_secs: Type.Number({ minimum: 0 }),
});
export type HealthCheckConfig = Static<typeof HealthCheckConfig>;

export const UpdateConfig = Type.Object({
  batch_size: Type.Integer({ minimum: 1 }),
  watch_secs: Type.Integer({ minimum: 0 }),
  max_per_shard_failures: Type.Integer({ minimum: 0 }),
  max_total_failures: Type.Integer({ minimum: 0 }),
  rollback_on_failure: Type.Boolean(),
  wait_for_batch_completion: Type.Boolean(),
});
export type UpdateConfig = Static<typeof UpdateConfig>;

export const Announcer = Type.Object({
  primary_port: Type.String(),
  portmap: Type.Record(Type.String(), Type.String()),
});

/** `container = Docker(image=...)` or `Mesos(image=DockerImage(...))`; absent: a plain process. */
export const Container = Type.Union([
  Type.Object({
    docker: Type.Object({
      image: Type.String({ minLength: 1 }),
      parameters: Type.Array(Type.Object({ name: Type.String(), value: Type.String() })),
    }),
  }),
  Type.Object({
    mesos: Type.Object({
      image: Type.Optional(
        Type.Object({ docker: Type.Object({ name: Type.String(), tag: Type.String() }) }),
      ),
      volumes: Type.Array(
        Type.Object({
          container_path: Type.String(),
          host_path: Type.String(),
          mode: Type.Union([Type.Literal('RO'), Type.Literal('RW')]),
        }),
      ),
    }),
  }),
]);
export type Container = Static<typeof Container>;

export const CronCollisionPolicy = Type.Union([
  Type.Literal('KILL_EXISTING'),
  Type.Literal('CANCEL_NEW'),
]);

export const Job = Type.Object({
  name: Type.String({ minLength: 1 }),
  role: Type.String({ minLength: 1 }),
  cluster: Type.String({ minLength: 1 }),
  environment: Type.String({ pattern: '^(prod|devel|test|staging\\d*)$' }),
  contact: Type.Optional(Type.String()),
  instances: Type.Integer({ minimum: 1 }),
  task: Task,
  announce: Type.Optional(Announcer),
  tier: Type.Optional(Type.String()),
  cron_schedule: Type.Optional(Type.String()),
  cron_collision_policy: CronCollisionPolicy,
  update_config: UpdateConfig,
  /** Aurora's job constraints: attribute name to value (`!value` negates, `limit:N` caps). */
  constraints: Type.Optional(Type.Record(Type.String(), Type.String())),
  metadata: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })),
  service: Type.Boolean(),
  max_task_failures: Type.Integer(),
  production: Type.Boolean(),
  priority: Type.Integer(),
  health_check_config: HealthCheckConfig,
  container: Type.Optional(Container),
});
export type Job = Static<typeof Job>;
