/**
 * The process Marathon starts: `node dist/main.js`. Settings come from the environment,
 * as Marathon provides them: PORT0 is the host port it assigned, MESOS_TASK_ID names the
 * instance.
 */
import { hostname } from 'node:os';
import { startTracker } from './server.js';

function numberFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    process.stderr.write(`${name} must be a whole number, not "${value}"\n`);
    process.exit(2);
  }
  return parsed;
}

const env = process.env;
const port = numberFrom('PORT0', env.PORT0 ?? env.PORT, 8080);
const tracker = await startTracker({
  port,
  host: env.HOST ?? '0.0.0.0',
  seed: numberFrom('ZOMBIES_SEED', env.ZOMBIES_SEED, 42),
  instanceId: env.MESOS_TASK_ID ?? `${hostname()}:${port}`,
  chaos: env.ZOMBIES_CHAOS === '1',
  logger: true,
  ...(env.ZOMBIES_COUNT ? { zombies: numberFrom('ZOMBIES_COUNT', env.ZOMBIES_COUNT, 0) } : {}),
});

// Marathon stops a task with SIGTERM, then SIGKILL after a grace period: close sockets and
// the listener within it so the service port stops routing here cleanly.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    tracker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`closing the tracker failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  });
}
