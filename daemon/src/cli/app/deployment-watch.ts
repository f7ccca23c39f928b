/**
 * Waits for one deployment: polls /v2/deployments until its id is gone, and meanwhile
 * the app (/v2/apps/{id}) and its launch queue (/v2/queue) to show how far it got and,
 * when it stops moving, why. Marathon drops a finished deployment from the list
 * whether it succeeded or was cancelled, so the end is checked against the app itself.
 */
import { describeProgress, type Progress, type WaitKind } from './deployment-progress.js';
import {
  DeploymentNotAppliedError,
  DeploymentTimeoutError,
  MarathonRefusedError,
} from './errors.js';
import { appPath, type MarathonClient } from './marathon-client.js';
import type { AppJson, DeploymentJson, QueueEntryJson } from './marathon-json.js';
import type { ProgressDisplay } from './progress-display.js';

export interface WatchOptions {
  client: MarathonClient;
  kind: WaitKind;
  /** The app's canonical id, with its leading slash, as the API spells it. */
  appId: string;
  deploymentId: string;
  timeoutMs: number;
  display: ProgressDisplay;
  /** The instance count the change asked for, to tell a cancelled deployment from a done one. */
  expectInstances?: number | undefined;
  pollMs?: number;
  /** How long nothing may change before the queue's reasons are shown. */
  stallMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_POLL_MS = 500;
const DEFAULT_STALL_MS = 2_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The app, or undefined once the API has forgotten it. */
async function appOrGone(client: MarathonClient, appId: string): Promise<AppJson | undefined> {
  try {
    return (await client.get<{ app: AppJson }>(`/v2/apps/${appPath(appId)}`)).app;
  } catch (err) {
    if (err instanceof MarathonRefusedError && err.statusCode === 404) return undefined;
    throw err;
  }
}

function waitingFor(options: WatchOptions, progress: Progress): string {
  const what =
    options.kind === 'remove'
      ? `the removal of ${options.appId}`
      : `${options.appId} (deployment ${options.deploymentId})`;
  const blockers = progress.blockers.length > 0 ? `; waiting: ${progress.blockers.join(', ')}` : '';
  return `${what}: ${progress.summary}${blockers}`;
}

/**
 * Resolves with the app as the finished deployment left it (undefined after a removal);
 * rejects on timeout, or when the deployment ended without the change taking effect.
 */
export async function watchDeployment(options: WatchOptions): Promise<AppJson | undefined> {
  const { client, display } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? delay;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const started = now();
  let lastSummary: string | undefined;
  let lastChange = started;
  try {
    for (;;) {
      const deployments = await client.get<DeploymentJson[]>('/v2/deployments');
      const deployment = deployments.find((entry) => entry.id === options.deploymentId);
      if (!deployment) break;
      // A removed app is gone from the API at once; only the deployment shows the rest.
      const app = options.kind === 'remove' ? undefined : await appOrGone(client, options.appId);
      const queue =
        options.kind === 'remove'
          ? undefined
          : (await client.get<{ queue: QueueEntryJson[] }>('/v2/queue')).queue.find(
              (entry) => entry.app.id === options.appId,
            );
      const progress = describeProgress({ ...options, app, deployment, queue });
      const at = now();
      if (progress.summary !== lastSummary) {
        lastSummary = progress.summary;
        lastChange = at;
      }
      // Offers are declined now and then on a busy agent; only a stalled launch is stuck.
      const stalled = at - lastChange >= stallMs;
      display.update(
        options.appId,
        stalled ? progress : { ...progress, blockers: [] },
        at - started,
      );
      const left = options.timeoutMs - (at - started);
      if (left <= 0) {
        throw new DeploymentTimeoutError(
          Math.round(options.timeoutMs / 1000),
          waitingFor(options, progress),
        );
      }
      await sleep(Math.min(pollMs, left));
    }
  } finally {
    display.clear();
  }
  return checkOutcome(options);
}

/** Did the change stick? A rollback or a forced deployment also ends ours. */
async function checkOutcome(options: WatchOptions): Promise<AppJson | undefined> {
  const app = await appOrGone(options.client, options.appId);
  if (options.kind === 'remove') {
    if (app) {
      throw new DeploymentNotAppliedError(
        options.deploymentId,
        `${options.appId} still exists (the removal was rolled back or superseded)`,
      );
    }
    return undefined;
  }
  if (!app) {
    throw new DeploymentNotAppliedError(
      options.deploymentId,
      `${options.appId} no longer exists (rolled back or removed meanwhile)`,
    );
  }
  if (options.expectInstances !== undefined && app.instances !== options.expectInstances) {
    throw new DeploymentNotAppliedError(
      options.deploymentId,
      `${options.appId} now wants ${app.instances} instances, not ${options.expectInstances} ` +
        '(cancelled, rolled back or superseded)',
    );
  }
  return app;
}
