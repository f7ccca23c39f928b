import { defineError } from '../../errors.js';

/** A HealthCheck the agent cannot run, refused as Mesos's validateHealthCheck refuses it. */
export const InvalidHealthCheckError = defineError(
  'MESOLITE_ERR_INVALID_HEALTH_CHECK',
  400,
  (problem: string) => `Invalid health check: ${problem}`,
);
