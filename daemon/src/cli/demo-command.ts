/**
 * `mesolite demo zombies`: deploys the Zombies Tracker through the Marathon plugin in
 * one step (its marathon.json, pointed at the installed package), waits until its
 * instances are healthy with a progress bar, and prints where it is served.
 */
import { Command, InvalidArgumentError } from 'commander';
import { zombiesApp } from '../server/zombies-app.js';
import { watchDeployment } from './app/deployment-watch.js';
import { MarathonRefusedError } from './app/errors.js';
import { MarathonClient } from './app/marathon-client.js';
import type { AppJson } from './app/marathon-json.js';
import { type ProgressDisplay, progressDisplay } from './app/progress-display.js';
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

export interface DeployZombiesOptions {
  master: string;
  instances?: number | undefined;
  timeoutMs: number;
  display: ProgressDisplay;
  onDeployment?: (deploymentId: string) => void;
}

export interface DeployedZombies {
  healthy: number;
  url: string;
}

/** PUTs the Zombies Tracker to Marathon and waits until it is deployed and healthy. */
export async function deployZombies(options: DeployZombiesOptions): Promise<DeployedZombies> {
  const marathon = new MarathonClient(options.master);
  const app = await zombiesApp(options.instances);
  const answer = await marathon.request<{ deploymentId?: string }>(
    'PUT',
    '/v2/apps/zombies?force=true',
    app,
  );
  const deploymentId =
    answer.headers.get('marathon-deployment-id') ?? answer.body.deploymentId ?? '';
  options.onDeployment?.(deploymentId);
  const deployed = (await watchDeployment({
    client: marathon,
    kind: 'deploy',
    appId: '/zombies',
    deploymentId,
    timeoutMs: options.timeoutMs,
    display: options.display,
    expectInstances: Number(app.instances),
  })) as AppJson | undefined;
  const servicePort =
    (app.portDefinitions as Array<{ port: number }> | undefined)?.[0]?.port ?? 10100;
  const host = new URL(options.master).hostname;
  return { healthy: deployed?.tasksHealthy ?? 0, url: `http://${host}:${servicePort}/` };
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
      try {
        const deployed = await deployZombies({
          master: flags.master,
          instances: flags.instances,
          timeoutMs: flags.timeout * 1000,
          display: progressDisplay(),
          onDeployment: (deploymentId) =>
            process.stdout.write(`/zombies: deployment ${deploymentId}\n`),
        });
        process.stdout.write(
          `The Zombies Tracker is up (${deployed.healthy} healthy): ${deployed.url}\n`,
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
