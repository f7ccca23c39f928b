/**
 * Connects the shell to its daemon: probes /health, then uses the daemon that answers or
 * starts the embedded one in this process. The connection owns what it started; `close`
 * stops the embedded daemon and leaves a daemon it merely found alone.
 */
import { createLogger, type Logger, type RunningDaemon, startDaemon } from '@mesolite/daemon';
import { chooseDaemon } from './daemon-choice.js';
import { embeddedDaemonOptions } from './embedded-daemon-options.js';
import { DaemonUnreachableError } from './errors.js';
import type { DaemonPlan } from './launch-plan.js';

/** A probe of a daemon on this machine or the LAN; a slow answer is as good as none. */
const HEALTH_TIMEOUT_MS = 3_000;

export interface DaemonConnection {
  readonly url: string;
  /** Whether this connection started the daemon (and so stops it on close). */
  readonly embedded: boolean;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly plan: DaemonPlan;
  readonly workDir: string;
  readonly logger?: Logger;
  /** Starts the embedded daemon; tests give one on a free port. */
  readonly start?: (plan: DaemonPlan) => Promise<Pick<RunningDaemon, 'url' | 'stop'>>;
}

/** Resolves with a reason when nothing healthy answers, undefined when the daemon is up. */
export async function probeHealth(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('health', `${url}/`), {
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.ok ? undefined : `it answered ${response.status}`;
  } catch (err) {
    const error = err as Error & { cause?: unknown };
    if (error.name === 'TimeoutError') return `no answer within ${HEALTH_TIMEOUT_MS / 1000}s`;
    return error.cause instanceof Error ? error.cause.message : error.message;
  }
}

export async function connectDaemon(options: ConnectOptions): Promise<DaemonConnection> {
  const failure = await probeHealth(options.plan.url);
  const choice = chooseDaemon(options.plan, failure === undefined);
  if (choice.kind === 'unreachable') {
    throw new DaemonUnreachableError(choice.url, failure ?? 'no answer');
  }
  if (choice.kind === 'use') {
    return { url: choice.url, embedded: false, close: async () => undefined };
  }
  const start =
    options.start ??
    ((plan: DaemonPlan) => {
      const daemonOptions = embeddedDaemonOptions({ url: plan.url, workDir: options.workDir });
      return startDaemon(daemonOptions, options.logger ?? createLogger(daemonOptions.logLevel));
    });
  const daemon = await start(options.plan);
  // RunningDaemon.stop is already idempotent; quitting may still call close repeatedly.
  return { url: daemon.url, embedded: true, close: () => daemon.stop() };
}
