/**
 * What to do about the daemon once its /health has been probed. A configured daemon
 * that does not answer is an error: the user named it, so silently showing another one
 * would mislead. With none configured, a daemon already serving the default URL (one
 * `npm start` left running) is reused rather than fought over for the port.
 */
import type { DaemonPlan } from './launch-plan.js';

export type DaemonChoice =
  | { readonly kind: 'use'; readonly url: string }
  | { readonly kind: 'start'; readonly url: string }
  | { readonly kind: 'unreachable'; readonly url: string };

export function chooseDaemon(plan: DaemonPlan, healthy: boolean): DaemonChoice {
  if (healthy) return { kind: 'use', url: plan.url };
  return plan.mode === 'embedded'
    ? { kind: 'start', url: plan.url }
    : { kind: 'unreachable', url: plan.url };
}
