/**
 * A Chronos job as schemas, with the types derived from them.
 *
 * - `JobInput`: what POST /scheduler/iso8601 and /scheduler/dependency accept, Chronos
 *   2.5's job JSON (plus `concurrent` from Chronos 3). Unknown fields are ignored, as
 *   Chronos's JobDeserializer ignores them, so a job read back from GET /scheduler/jobs
 *   (with its counters) can be posted again unchanged.
 * - `ChronosJob`: the definition mesolite keeps, every Chronos default applied.
 *
 * The failure webhook, mesolite's replacement for Chronos's e-mail, is read from a
 * `mesolite` extension object on input only: Chronos's job JSON has no free-form field,
 * and clients that map the job onto a fixed model must never see it in an answer.
 */
import { type Static, Type } from 'typebox';

const Opt = Type.Optional;

/** Chronos's JobUtils.jobNamePattern: word characters, spaces, '.', '#', '-'. */
export const JOB_NAME_PATTERN = String.raw`^[\w\s.#-]+$`;

export const JobName = Type.String({ minLength: 1, pattern: JOB_NAME_PATTERN });

export const EnvironmentVariable = Type.Object({ name: Type.String(), value: Type.String() });

export const FetchUri = Type.Object({
  uri: Type.String({ minLength: 1 }),
  executable: Opt(Type.Boolean()),
  extract: Opt(Type.Boolean()),
  cache: Opt(Type.Boolean()),
  outputFile: Opt(Type.String()),
});
export type FetchUri = Static<typeof FetchUri>;

export const Volume = Type.Object({
  containerPath: Type.String({ minLength: 1 }),
  hostPath: Opt(Type.String()),
  mode: Opt(Type.Enum(['RO', 'RW'])),
});

export const ContainerInput = Type.Object({
  type: Opt(Type.Enum(['DOCKER', 'MESOS', 'docker', 'mesos'])),
  image: Type.String({ minLength: 1 }),
  network: Opt(Type.Enum(['BRIDGE', 'HOST', 'NONE', 'USER'])),
  networkName: Opt(Type.String()),
  volumes: Opt(Type.Array(Volume)),
  forcePullImage: Opt(Type.Boolean()),
});

/** A Chronos constraint: [attribute, operator, value], as Marathon's. */
export const Constraint = Type.Array(Type.String(), { minItems: 2, maxItems: 3 });

export const MesoliteExtension = Type.Object({
  /** POSTed a JSON notice when a run fails for good (after its retries). */
  failureWebhook: Opt(Type.String({ pattern: '^https?://' })),
});

export const JobInput = Type.Object({
  name: JobName,
  command: Opt(Type.String()),
  shell: Opt(Type.Boolean()),
  arguments: Opt(Type.Array(Type.String())),
  schedule: Opt(Type.String()),
  scheduleTimeZone: Opt(Type.String()),
  epsilon: Opt(Type.String()),
  parents: Opt(Type.Array(Type.String())),
  async: Opt(Type.Boolean()),
  retries: Opt(Type.Integer({ minimum: 0 })),
  cpus: Opt(Type.Number({ minimum: 0 })),
  mem: Opt(Type.Number({ minimum: 0 })),
  disk: Opt(Type.Number({ minimum: 0 })),
  disabled: Opt(Type.Boolean()),
  concurrent: Opt(Type.Boolean()),
  softError: Opt(Type.Boolean()),
  highPriority: Opt(Type.Boolean()),
  owner: Opt(Type.String()),
  ownerName: Opt(Type.String()),
  description: Opt(Type.String()),
  uris: Opt(Type.Array(Type.String())),
  fetch: Opt(Type.Array(FetchUri)),
  environmentVariables: Opt(Type.Array(EnvironmentVariable)),
  container: Opt(ContainerInput),
  constraints: Opt(Type.Array(Constraint)),
  runAsUser: Opt(Type.String()),
  mesolite: Opt(MesoliteExtension),
});
export type JobInput = Static<typeof JobInput>;

export const Container = Type.Object({
  type: Type.Enum(['DOCKER', 'MESOS']),
  image: Type.String(),
  network: Type.Enum(['BRIDGE', 'HOST', 'NONE', 'USER']),
  networkName: Opt(Type.String()),
  volumes: Type.Array(
    Type.Object({
      containerPath: Type.String(),
      hostPath: Opt(Type.String()),
      mode: Type.Enum(['RO', 'RW']),
    }),
  ),
  forcePullImage: Type.Boolean(),
});
export type Container = Static<typeof Container>;

export const ChronosJob = Type.Object({
  name: Type.String(),
  command: Type.String(),
  shell: Type.Boolean(),
  arguments: Type.Array(Type.String()),
  /** As posted; a scheduled job has it, a dependent job has parents instead. */
  schedule: Opt(Type.String()),
  scheduleTimeZone: Type.String(),
  epsilon: Type.String(),
  parents: Opt(Type.Array(Type.String())),
  async: Type.Boolean(),
  retries: Type.Integer(),
  cpus: Type.Number(),
  mem: Type.Number(),
  disk: Type.Number(),
  disabled: Type.Boolean(),
  concurrent: Type.Boolean(),
  softError: Type.Boolean(),
  highPriority: Type.Boolean(),
  owner: Type.String(),
  ownerName: Type.String(),
  description: Type.String(),
  uris: Type.Array(Type.String()),
  fetch: Type.Array(FetchUri),
  environmentVariables: Type.Array(EnvironmentVariable),
  container: Opt(Container),
  constraints: Type.Array(Type.Array(Type.String())),
  runAsUser: Type.String(),
  failureWebhook: Opt(Type.String()),
});
export type ChronosJob = Static<typeof ChronosJob>;

/** Whether the job runs after its parents rather than on a schedule. */
export function isDependent(job: ChronosJob): boolean {
  return job.schedule === undefined;
}
