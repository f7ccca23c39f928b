/**
 * The Chronos plugin's settings, Chronos's command-line flags that mesolite keeps:
 * --default_job_epsilon (epsilon), --failure_retry, --user (runAsUser), plus how long an
 * async job may take until its callback and how many finished runs each job keeps.
 * Defaults are in package.json's manifest; the operator's config overlays them.
 */
import { validator } from '@mesolite/daemon/protocol/validate';
import { type Static, Type } from 'typebox';

export const ChronosConfig = Type.Object({
  epsilon: Type.String({ minLength: 2 }),
  failureRetrySeconds: Type.Number({ minimum: 0 }),
  asyncTimeoutSeconds: Type.Number({ exclusiveMinimum: 0 }),
  historyLimit: Type.Integer({ minimum: 1 }),
  runAsUser: Type.String({ minLength: 1 }),
});
export type ChronosConfig = Static<typeof ChronosConfig>;

export const DEFAULT_CONFIG: ChronosConfig = {
  epsilon: 'PT60S',
  failureRetrySeconds: 60,
  asyncTimeoutSeconds: 3600,
  historyLimit: 50,
  runAsUser: 'root',
};

const config = validator(ChronosConfig, 'the chronos plugin config');

export function readConfig(raw: Readonly<Record<string, unknown>>): ChronosConfig {
  return config.parse({ ...DEFAULT_CONFIG, ...raw });
}
