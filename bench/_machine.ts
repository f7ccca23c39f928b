/**
 * This machine's own limits, measured in the bench's run so a figure is read beside
 * what the hardware allows at that moment.
 */
import { spawn } from 'node:child_process';

/** Processes per second Node can start directly (`sh -c 'sleep 30'`), for `count` of them. */
export async function rawSpawnRate(count: number): Promise<number> {
  const started = performance.now();
  const children = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof spawn>>((resolve, reject) => {
          const child = spawn('/bin/sh', ['-c', 'sleep 30'], { detached: true, stdio: 'ignore' });
          child.once('spawn', () => resolve(child));
          child.once('error', reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const child of children) {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }
  return count / seconds;
}

/** The best of `runs` raw spawn measurements: one run varies by a quarter on two cores. */
export async function bestRawSpawnRate(count: number, runs = 3): Promise<number> {
  const rates: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const rate = await rawSpawnRate(count);
    rates.push(rate);
    process.stdout.write(`raw spawn run ${run}/${runs}: ${rate.toFixed(0)} processes/s\n`);
  }
  return Math.max(...rates);
}
