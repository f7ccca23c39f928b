import { defineError } from '../../errors.js';

/**
 * An id that cannot name a sandbox directory. The master validates ids as Mesos does,
 * so this means a bug or a hand-edited checkpoint, never a user mistake that reached
 * the agent; it stops a task id such as "../../x" from ever becoming a path.
 */
export const InvalidSandboxIdError = defineError(
  'MESOLITE_ERR_INVALID_SANDBOX_ID',
  400,
  (kind: string, id: string, problem: string) =>
    `Cannot make a sandbox path from ${kind} ${JSON.stringify(id)}: ${problem}. ` +
    'Ids are validated as Mesos validates them: not empty, not "." or "..", no "/", "\\" or control characters.',
);

export const SandboxCreateError = defineError(
  'MESOLITE_ERR_SANDBOX_CREATE',
  500,
  (path: string, reason: string) =>
    `Failed to create the sandbox ${path}: ${reason}. Check that the agent can write to its --work-dir.`,
);

/** Garbage collection only ever removes what lies under the agent's work dir. */
export const GcPathOutsideWorkDirError = defineError(
  'MESOLITE_ERR_GC_PATH_OUTSIDE_WORK_DIR',
  500,
  (path: string, workDir: string) =>
    `Refusing to garbage collect ${path}: it is not under the work dir's agents directory (${workDir}/agents).`,
);
