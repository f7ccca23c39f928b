/**
 * The menu's "Open the Zombies Tracker": opens it when Marathon already runs it healthy,
 * and otherwise deploys it with the code `mesolite demo zombies` runs, reporting the
 * deployment's progress, then opens it.
 */

import { MarathonRefusedError } from '@mesolite/daemon/cli/app/errors';
import { MarathonClient } from '@mesolite/daemon/cli/app/marathon-client';
import type { ProgressDisplay } from '@mesolite/daemon/cli/app/progress-display';
import { deployZombies } from '@mesolite/daemon/cli/demo-command';
import type { ZombiesProgress } from './ipc-channels.js';

export const ZOMBIES_APP_ID = '/zombies';
/** As long as `mesolite demo zombies` waits by default. */
export const ZOMBIES_DEPLOY_TIMEOUT_MS = 180_000;

/** The fields of Marathon's app JSON the decision reads. */
export interface ZombiesAppState {
  readonly tasksHealthy: number;
  readonly [field: string]: unknown;
}

export type ZombiesStep =
  | { readonly kind: 'open'; readonly url: string }
  | { readonly kind: 'deploy' };

/** The service port marathon.json gives the tracker, when the app JSON names none. */
export const ZOMBIES_SERVICE_PORT = 10100;

/** Where Marathon serves the tracker: the daemon's host, on the app's first service port. */
export function zombiesUrl(daemonUrl: string, app: ZombiesAppState): string {
  const ports = app.portDefinitions as ReadonlyArray<{ port?: number }> | undefined;
  return `http://${new URL(daemonUrl).hostname}:${ports?.[0]?.port ?? ZOMBIES_SERVICE_PORT}/`;
}

/** Opens a tracker with a healthy instance as it is; deploying is left for when none is. */
export function zombiesStep(daemonUrl: string, app: ZombiesAppState | undefined): ZombiesStep {
  if (app !== undefined && app.tasksHealthy > 0) {
    return { kind: 'open', url: zombiesUrl(daemonUrl, app) };
  }
  return { kind: 'deploy' };
}

/** Marathon's /v2/apps/zombies, or undefined when Marathon does not know the app. */
export async function zombiesApp(daemonUrl: string): Promise<ZombiesAppState | undefined> {
  try {
    const answer = await new MarathonClient(daemonUrl).get<{ app: ZombiesAppState }>(
      `/v2/apps${ZOMBIES_APP_ID}`,
    );
    return answer.app;
  } catch (err) {
    if (err instanceof MarathonRefusedError && err.statusCode === 404) return undefined;
    throw err;
  }
}

export interface OpenZombiesOptions {
  readonly daemonUrl: string;
  /** Shows the tracker (the shell: the system browser, by the navigation policy). */
  readonly open: (url: string) => Promise<void>;
  readonly report: (progress: ZombiesProgress) => void;
  readonly timeoutMs?: number;
}

/** Adapts the CLI's progress bar interface to progress events. */
function progressEvents(report: (progress: ZombiesProgress) => void): ProgressDisplay {
  return {
    update(_label, progress) {
      report({
        phase: 'deploying',
        summary: progress.summary,
        ...(progress.fraction === undefined ? {} : { fraction: progress.fraction }),
      });
    },
    clear() {},
  };
}

export async function openZombies(options: OpenZombiesOptions): Promise<ZombiesProgress> {
  const { daemonUrl, report } = options;
  try {
    report({ phase: 'checking', summary: 'Looking for the Zombies Tracker in Marathon' });
    const step = zombiesStep(daemonUrl, await zombiesApp(daemonUrl));
    let url: string;
    if (step.kind === 'open') {
      url = step.url;
    } else {
      report({ phase: 'deploying', summary: 'Deploying the Zombies Tracker', fraction: 0 });
      const deployed = await deployZombies({
        master: daemonUrl,
        timeoutMs: options.timeoutMs ?? ZOMBIES_DEPLOY_TIMEOUT_MS,
        display: progressEvents(report),
      });
      url = deployed.url;
    }
    await options.open(url);
    const ready: ZombiesProgress = { phase: 'ready', summary: `Served at ${url}`, url };
    report(ready);
    return ready;
  } catch (err) {
    const failed: ZombiesProgress = { phase: 'failed', summary: (err as Error).message };
    report(failed);
    return failed;
  }
}
