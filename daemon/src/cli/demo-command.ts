/**
 * `mesolite demo zombies`: deploys the Zombies Tracker through the Marathon plugin in
 * one step (its marathon.json, pointed at the installed package), waits until its
 * instances are healthy with a progress bar, and prints where it is served.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { watchDeployment } from './app/deployment-watch.js';
import { MarathonRefusedError } from './app/errors.js';
import { MarathonClient } from './app/marathon-client.js';
import type { AppJson } from './app/marathon-json.js';
import { progressDisplay } from './app/progress-display.js';
import { masterOption } from './master-option.js';

interface DemoFlags {
  master: string;
  instances?: number;
  timeout: number;
}

function count(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('a whole number, 1 or more.');
  return parsed;
}

/** The Zombies Tracker's app definition, with ZOMBIES_HOME set to where the package is. */
export async function zombiesApp(instances?: number): Promise<Record<string, unknown>> {
  const require = createRequire(import.meta.url);
  const home = dirname(require.resolve('@mesolite/zombies-tracker/package.json'));
  const app = JSON.parse(await readFile(join(home, 'marathon.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const env = (app.env ?? {}) as Record<string, string>;
  return { ...app, env: { ...env, ZOMBIES_HOME: home }, ...(instances ? { instances } : {}) };
}

export function demoCommand(): Command {
  const demo = new Command('demo').description('deploy the demos of the talk');
  demo
    .command('zombies')
    .description('deploy the Zombies Tracker through Marathon and print its address')
    .addOption(masterOption())
    .option('--instances <n>', 'how many instances to run (default: marathon.json’s 3)', count)
    .option('--timeout <seconds>', 'how long to wait for it to be healthy', Number, 180)
    .action(async (flags: DemoFlags) => {
      const marathon = new MarathonClient(flags.master);
      try {
        const app = await zombiesApp(flags.instances);
        const answer = await marathon.request<{ deploymentId?: string }>(
          'PUT',
          '/v2/apps/zombies?force=true',
          app,
        );
        const deploymentId =
          answer.headers.get('marathon-deployment-id') ?? answer.body.deploymentId ?? '';
        process.stdout.write(`/zombies: deployment ${deploymentId}\n`);
        const display = progressDisplay();
        const deployed = (await watchDeployment({
          client: marathon,
          kind: 'deploy',
          appId: '/zombies',
          deploymentId,
          timeoutMs: flags.timeout * 1000,
          display,
          expectInstances: Number(app.instances),
        })) as AppJson | undefined;
        const servicePort =
          (app.portDefinitions as Array<{ port: number }> | undefined)?.[0]?.port ?? 10100;
        const host = new URL(flags.master).hostname;
        process.stdout.write(
          `The Zombies Tracker is up (${deployed?.tasksHealthy ?? 0} healthy): http://${host}:${servicePort}/\n`,
        );
      } catch (err) {
        process.stderr.write(`mesolite demo: ${(err as Error).message}\n`);
        if (err instanceof MarathonRefusedError) {
          for (const detail of err.details) process.stderr.write(`  ${detail}\n`);
        }
        process.exitCode = 1;
      }
    });
  return demo;
}
