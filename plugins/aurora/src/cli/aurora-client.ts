/**
 * The Aurora plugin's API at `<master>/service/aurora`, and the Aurora client's exit
 * codes: 3 for a configuration it cannot use, 4 for a request the scheduler refused.
 */

import { ServiceClient } from '@mesolite/daemon/cli/service-client';
import { MesoliteError } from '@mesolite/daemon/errors';

export const EXIT_INVALID_CONFIG = 3;
export const EXIT_SCHEDULER_REFUSED = 4;

/** The scheduler refused: its `{code, message}` answer, kept for the command to print. */
export class AuroraSchedulerRefusedError extends MesoliteError {
  static readonly code = 'MESOLITE_ERR_AURORA_REFUSED';
  readonly exitCode = EXIT_SCHEDULER_REFUSED;

  constructor(path: string, status: number, body: unknown) {
    const said = (body as { message?: unknown } | null)?.message;
    super(
      AuroraSchedulerRefusedError.code,
      typeof said === 'string' ? said : `${path} answered ${status}`,
      status,
    );
    this.name = AuroraSchedulerRefusedError.code;
  }
}

export class AuroraClient extends ServiceClient {
  constructor(master: string) {
    super(
      master,
      '/service/aurora',
      (path, status, body) => new AuroraSchedulerRefusedError(path, status, body),
    );
  }
}
