/**
 * What the scheduler hands the runner: the task id and the task with every launch-time
 * name already resolved, as JSON in the environment variable {@link RUNNER_SPEC_ENV}.
 */
import { validator } from '@mesolite/daemon/protocol/validate';
import { type Static, Type } from 'typebox';
import { Container, Task } from '../job-config.js';

export const RUNNER_SPEC_ENV = 'MESOLITE_THERMOS_TASK';

export const RunnerSpec = Type.Object({
  task_id: Type.String({ minLength: 1 }),
  task: Task,
  /** The job's container: its processes then run in the image (process-launcher.ts). */
  container: Type.Optional(Container),
});
export type RunnerSpec = Static<typeof RunnerSpec>;

export const runnerSpecValidator = validator(RunnerSpec, 'the Thermos task');
