/**
 * `mesolite app`: Marathon apps from the command line, through the Marathon plugin's
 * v2 API at `<master>/service/marathon`. Changes (add, scale, restart, remove) wait for
 * their deployment and exit non-zero unless it took effect, so scripts can chain them.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { WaitKind } from './app/deployment-progress.js';
import { watchDeployment } from './app/deployment-watch.js';
import { AppFileError } from './app/errors.js';
import { appPath, canonicalAppId, MarathonClient } from './app/marathon-client.js';
import type { AppJson, DeploymentResultJson, TaskJson } from './app/marathon-json.js';
import { progressDisplay } from './app/progress-display.js';
import { formatTable } from './app/table.js';
import { readJsonInput, reporting } from './command-support.js';
import { masterOption } from './master-option.js';

const DEFAULT_TIMEOUT_SECONDS = 300;

interface ClientFlags {
  master: string;
}

interface JsonFlags extends ClientFlags {
  json?: boolean;
}

interface ChangeFlags extends ClientFlags {
  /** commander's `--no-wait` sets this to false. */
  wait: boolean;
  timeout: number;
  force?: boolean;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidArgumentError('a timeout is a number of seconds greater than 0.');
  }
  return seconds;
}

function parseInstances(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidArgumentError('an instance count is a whole number, 0 or more.');
  }
  return count;
}

function client(flags: ClientFlags): MarathonClient {
  return new MarathonClient(flags.master);
}

const forceQuery = (flags: ChangeFlags) => (flags.force ? '?force=true' : '');

const readDefinition = (file: string) =>
  readJsonInput(file, (name, reason) => new AppFileError(name, reason));

function countsText(app: AppJson): string {
  const counts = [`${app.tasksRunning}/${app.instances} running`];
  if ((app.healthChecks?.length ?? 0) > 0)
    counts.push(`${app.tasksHealthy}/${app.instances} healthy`);
  return counts.join(', ');
}

/** Waits for the deployment a change started, unless --no-wait, and says how it ended. */
async function follow(
  marathon: MarathonClient,
  flags: ChangeFlags,
  kind: WaitKind,
  appId: string,
  deploymentId: string,
  expectInstances?: number,
): Promise<void> {
  if (!flags.wait) return;
  const display = progressDisplay();
  // Ctrl-C stops the waiting, not the deployment: say so rather than leave a half-drawn bar.
  const onInterrupt = () => {
    display.clear();
    process.stderr.write(`mesolite app: stopped waiting; deployment ${deploymentId} goes on\n`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const app = await watchDeployment({
      client: marathon,
      kind,
      appId,
      deploymentId,
      timeoutMs: flags.timeout * 1000,
      display,
      expectInstances,
    });
    process.stdout.write(
      app ? `${appId}: deployment done, ${countsText(app)}\n` : `${appId}: removed\n`,
    );
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The options every change shares. */
function changeCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .addOption(masterOption())
    .option('--no-wait', 'return as soon as the deployment has started')
    .option(
      '--timeout <seconds>',
      'give up waiting after this long (exit 1; the deployment goes on)',
      parseSeconds,
      DEFAULT_TIMEOUT_SECONDS,
    )
    .option('--force', 'cancel deployments that are changing the same app');
}

function addCommand(): Command {
  return changeCommand(
    'add',
    'create an app from its Marathon JSON definition and wait until it runs',
  )
    .argument('<file>', 'the app definition, a JSON file, or - for stdin')
    .addHelpText(
      'after',
      '\nExample:\n  echo \'{"id":"web","cmd":"python3 -m http.server $PORT0","cpus":0.1,"mem":64}\' | mesolite app add -',
    )
    .action(
      reporting('app', async (file: string, flags: ChangeFlags) => {
        const definition = await readDefinition(file);
        const marathon = client(flags);
        const answer = await marathon.request<AppJson>(
          'POST',
          `/v2/apps${forceQuery(flags)}`,
          definition,
        );
        const app = answer.body;
        const deploymentId = answer.headers.get('Marathon-Deployment-Id') ?? app.deployments[0]?.id;
        if (deploymentId === undefined) {
          // Marathon always starts one; an answer without it leaves nothing to wait for.
          process.stdout.write(`${app.id}: created\n`);
          return;
        }
        process.stdout.write(`${app.id}: created, deployment ${deploymentId}\n`);
        await follow(marathon, flags, 'deploy', app.id, deploymentId, app.instances);
      }),
    );
}

function listCommand(): Command {
  return new Command('list')
    .description('the apps, with their instances, health and running deployments')
    .addOption(masterOption())
    .option('--json', "print Marathon's JSON")
    .action(
      reporting('app', async (flags: JsonFlags) => {
        const body = await client(flags).get<{ apps: AppJson[] }>('/v2/apps');
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
          return;
        }
        const rows = body.apps.map((app) => [
          app.id,
          String(app.instances),
          String(app.tasksRunning),
          // Marathon reports 0 healthy for an app without health checks; that is not "sick".
          (app.healthChecks?.length ?? 0) > 0 ? String(app.tasksHealthy) : '-',
          app.deployments.map((deployment) => deployment.id).join(',') || '-',
        ]);
        process.stdout.write(
          formatTable(['ID', 'INSTANCES', 'RUNNING', 'HEALTHY', 'DEPLOYMENTS'], rows),
        );
      }),
    );
}

function showCommand(): Command {
  return new Command('show')
    .description("an app's definition and state, as Marathon's JSON")
    .argument('<id>', 'the app id, e.g. /web or group/web')
    .addOption(masterOption())
    .action(
      reporting('app', async (id: string, flags: ClientFlags) => {
        const body = await client(flags).get<{ app: AppJson }>(`/v2/apps/${appPath(id)}`);
        process.stdout.write(`${JSON.stringify(body.app, null, 2)}\n`);
      }),
    );
}

function scaleCommand(): Command {
  return changeCommand('scale', 'change the number of instances and wait until they run')
    .argument('<id>', 'the app id')
    .argument('<instances>', 'how many instances to run', parseInstances)
    .action(
      reporting('app', async (id: string, instances: number, flags: ChangeFlags) => {
        const marathon = client(flags);
        // PUT creates an app that does not exist; scaling a typo must not do that.
        const { app } = await marathon.get<{ app: AppJson }>(`/v2/apps/${appPath(id)}`);
        const { body } = await marathon.request<DeploymentResultJson>(
          'PUT',
          `/v2/apps/${appPath(app.id)}${forceQuery(flags)}`,
          { instances },
        );
        process.stdout.write(
          `${app.id}: scaling to ${instances}, deployment ${body.deploymentId}\n`,
        );
        await follow(marathon, flags, 'deploy', app.id, body.deploymentId, instances);
      }),
    );
}

function restartCommand(): Command {
  return changeCommand('restart', 'replace every instance (a rolling restart) and wait until done')
    .argument('<id>', 'the app id')
    .action(
      reporting('app', async (id: string, flags: ChangeFlags) => {
        const marathon = client(flags);
        const { body } = await marathon.request<DeploymentResultJson>(
          'POST',
          `/v2/apps/${appPath(id)}/restart${forceQuery(flags)}`,
        );
        const appId = canonicalAppId(id);
        process.stdout.write(`${appId}: restarting, deployment ${body.deploymentId}\n`);
        await follow(marathon, flags, 'restart', appId, body.deploymentId);
      }),
    );
}

function removeCommand(): Command {
  return changeCommand('remove', 'stop all instances and delete the app, waiting until it is gone')
    .argument('<id>', 'the app id')
    .action(
      reporting('app', async (id: string, flags: ChangeFlags) => {
        const marathon = client(flags);
        const { body } = await marathon.request<DeploymentResultJson>(
          'DELETE',
          `/v2/apps/${appPath(id)}${forceQuery(flags)}`,
        );
        const appId = canonicalAppId(id);
        process.stdout.write(`${appId}: removing, deployment ${body.deploymentId}\n`);
        await follow(marathon, flags, 'remove', appId, body.deploymentId);
      }),
    );
}

function healthText(task: TaskJson): string {
  const results = task.healthCheckResults ?? [];
  // No results: the app has no health checks, or the first check has not answered yet.
  if (results.length === 0) return '-';
  return results.every((result) => result.alive) ? 'healthy' : 'unhealthy';
}

function tasksCommand(): Command {
  return new Command('tasks')
    .description("an app's instances: where they run, on which ports, and their health")
    .argument('<id>', 'the app id')
    .addOption(masterOption())
    .option('--json', "print Marathon's JSON")
    .action(
      reporting('app', async (id: string, flags: JsonFlags) => {
        const body = await client(flags).get<{ tasks: TaskJson[] }>(
          `/v2/apps/${appPath(id)}/tasks`,
        );
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
          return;
        }
        const rows = body.tasks.map((task) => [
          task.id,
          task.host,
          (task.ports ?? []).join(',') || '-',
          task.state,
          healthText(task),
        ]);
        process.stdout.write(formatTable(['TASK ID', 'HOST', 'PORTS', 'STATE', 'HEALTH'], rows));
      }),
    );
}

export function appCommand(): Command {
  return new Command('app')
    .description('run and manage Marathon apps (long-running services)')
    .addCommand(addCommand())
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(scaleCommand())
    .addCommand(restartCommand())
    .addCommand(removeCommand())
    .addCommand(tasksCommand());
}
