import { defineError } from '../../errors.js';

/**
 * Why the process containerizer refused to start a task. The agent reports the message
 * as "Failed to launch container: <message>", so it says what to change, not that it failed.
 */
export const ProcessLaunchError = defineError(
  'MESOLITE_ERR_PROCESS_LAUNCH',
  400,
  (problem: string) => problem,
);

/** A checkpoint the process containerizer did not write, or one damaged since. */
export const ProcessCheckpointError = defineError(
  'MESOLITE_ERR_PROCESS_CHECKPOINT',
  500,
  (containerId: string, problem: string) =>
    `Cannot recover process container ${containerId}: ${problem}. The checkpoint was not ` +
    'written by this version of the process containerizer or was damaged.',
);
