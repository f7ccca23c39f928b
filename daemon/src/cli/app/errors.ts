/**
 * What can go wrong for `mesolite app`, each with a stable code a script can match on
 * and a message that says what to do next. The command prints the message (and any
 * detail lines) and exits 1.
 */
import { defineError, MesoliteError } from '../../errors.js';

export const MasterUnreachableError = defineError(
  'MESOLITE_ERR_MASTER_UNREACHABLE',
  502,
  (url: string, cause: string) => `cannot reach ${url}: ${cause}`,
);

export const AppFileError = defineError(
  'MESOLITE_ERR_APP_FILE',
  400,
  (file: string, reason: string) => `cannot use ${file} as an app definition: ${reason}`,
);

export const DeploymentTimeoutError = defineError(
  'MESOLITE_ERR_DEPLOYMENT_TIMEOUT',
  504,
  (seconds: number, waitingFor: string) =>
    `timed out after ${seconds}s waiting for ${waitingFor} (the deployment goes on)`,
);

export const DeploymentNotAppliedError = defineError(
  'MESOLITE_ERR_DEPLOYMENT_NOT_APPLIED',
  409,
  (deploymentId: string, outcome: string) =>
    `deployment ${deploymentId} ended without taking effect: ${outcome}`,
);

interface MarathonErrorBody {
  message?: unknown;
  details?: unknown;
  deployments?: unknown;
}

/**
 * Marathon refused a request. Keeps Marathon's body so the command can print every
 * invalid field of a 422 and every blocking deployment of a 409, not just the summary.
 */
export class MarathonRefusedError extends MesoliteError {
  static readonly code = 'MESOLITE_ERR_MARATHON_REFUSED';
  readonly details: readonly string[];

  constructor(url: string, status: number, body: unknown) {
    const parsed = (typeof body === 'object' && body !== null ? body : {}) as MarathonErrorBody;
    const said = typeof parsed.message === 'string' ? parsed.message : `${url} answered ${status}`;
    // Marathon's 422 summary is terse ("Invalid JSON", "Object is not valid"); say what it judged.
    const message = status === 422 ? `Marathon refused the app definition: ${said}` : said;
    super(MarathonRefusedError.code, message, status);
    this.name = MarathonRefusedError.code;
    this.details = [...validationLines(parsed.details), ...conflictLines(parsed.deployments)];
  }
}

/** 422: `{path, errors}` per invalid field, one line each. */
function validationLines(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.map((detail: { path?: unknown; errors?: unknown }) => {
    const path = typeof detail.path === 'string' ? detail.path : '/';
    const errors = Array.isArray(detail.errors) ? detail.errors.map(String) : [];
    return `${path}: ${errors.join('; ')}`;
  });
}

/** 409: the deployments in the way, and how to override them. */
function conflictLines(deployments: unknown): string[] {
  if (!Array.isArray(deployments) || deployments.length === 0) return [];
  const ids = deployments.map((entry: { id?: unknown }) => String(entry.id));
  return [
    ...ids.map((id) => `blocked by deployment ${id}`),
    'wait for it to finish, or pass --force to cancel it',
  ];
}
