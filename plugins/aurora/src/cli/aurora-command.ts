/**
 * `mesolite aurora` (and the `aurora` alias): Aurora's client in its own words —
 * job create|status|kill|killall|restart|inspect|diff, update start|pause|resume|abort|info,
 * cron schedule|deschedule|start, config list. Configurations are evaluated here, on the
 * client, as Aurora's client does, and the scheduler gets the loaded job as JSON.
 * Exit codes as Aurora's: 0 success, 3 invalid configuration, 4 scheduler refusal.
 */
import { masterOption } from '@mesolite/daemon/cli/master-option';
import { Command } from 'commander';
import { AuroraConfigError } from '../config/errors.js';
import { InvalidInstancesError, InvalidJobKeyError } from '../errors.js';
import type { Job } from '../job-config.js';
import {
  formatJobKey,
  type InstanceSelection,
  type JobKey,
  parseInstanceSpec,
  parseJobKey,
} from '../job-key.js';
import {
  AuroraClient,
  AuroraSchedulerRefusedError,
  EXIT_INVALID_CONFIG,
  EXIT_SCHEDULER_REFUSED,
} from './aurora-client.js';
import {
  collectBinding,
  JobNotInConfigError,
  keyOfJob,
  loadJobs,
  selectJob,
} from './config-file.js';
import { formatStatus, type StatusJson } from './status-text.js';

interface ClientFlags {
  master: string;
}

interface ConfigFlags extends ClientFlags {
  bind: Record<string, string>;
}

function exitCodeOf(err: unknown): number {
  if (
    err instanceof AuroraConfigError ||
    err instanceof JobNotInConfigError ||
    err instanceof InvalidJobKeyError ||
    err instanceof InvalidInstancesError
  )
    return EXIT_INVALID_CONFIG;
  if (err instanceof AuroraSchedulerRefusedError) return EXIT_SCHEDULER_REFUSED;
  return 1;
}

function running<A extends unknown[]>(run: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await run(...args);
    } catch (err) {
      process.stderr.write(
        `mesolite aurora: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exitCode = exitCodeOf(err);
    }
  };
}

const jobPath = (key: JobKey) =>
  `/jobs/${[key.cluster, key.role, key.environment, key.name].map(encodeURIComponent).join('/')}`;

/** Instance ids for the API; `all` is no list at all. */
function instanceList(selection: InstanceSelection): number[] | undefined {
  if (selection === 'all') return undefined;
  return selection.flatMap(({ first, last }) =>
    Array.from({ length: last - first + 1 }, (_, i) => first + i),
  );
}

function withConfig(command: Command): Command {
  return command
    .addOption(masterOption())
    .option(
      '--bind <name=value>',
      'bind a name the configuration uses (repeatable)',
      collectBinding,
      {},
    );
}

function keyedJob(keyText: string, file: string, flags: ConfigFlags): { key: JobKey; job: Job } {
  const key = parseJobKey(keyText);
  return { key, job: selectJob(loadJobs(file, flags.bind), key, file) };
}

function jobCommand(): Command {
  const job = new Command('job').description('create, inspect and stop jobs');
  job.addCommand(
    withConfig(new Command('create'))
      .description('create a job from its configuration')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .argument('<config>', 'the .aurora file')
      .action(
        running(async (keyText: string, file: string, flags: ConfigFlags) => {
          const { key, job: config } = keyedJob(keyText, file, flags);
          if (config.cron_schedule !== undefined) {
            throw new AuroraSchedulerRefusedError(jobPath(key), 400, {
              message: 'Cron jobs may only be scheduled with "aurora cron schedule" command',
            });
          }
          const client = new AuroraClient(flags.master);
          await client.request('POST', jobPath(key), { job: config });
          process.stdout.write(`Job create succeeded: job url=${client.url(jobPath(key)).href}\n`);
        }),
      ),
  );
  job.addCommand(
    new Command('status')
      .description('the job’s active and finished tasks')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .addOption(masterOption())
      .option('--write-json', 'print the status as JSON')
      .action(
        running(async (keyText: string, flags: ClientFlags & { writeJson?: boolean }) => {
          const key = parseJobKey(keyText);
          const status = await new AuroraClient(flags.master).get<StatusJson>(jobPath(key));
          process.stdout.write(
            flags.writeJson ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status),
          );
        }),
      ),
  );
  job.addCommand(
    new Command('kill')
      .description('kill instances of a job (all of them without /INSTANCES)')
      .argument('<spec>', 'CLUSTER/ROLE/ENV/NAME[/INSTANCES], e.g. .../hello/0,2-3')
      .addOption(masterOption())
      .action(
        running(async (specText: string, flags: ClientFlags) => {
          const spec = parseInstanceSpec(specText);
          const instances = instanceList(spec.instances);
          const answer = await new AuroraClient(flags.master).request<{ killed: string[] }>(
            'POST',
            `${jobPath(spec.jobKey)}/kill`,
            instances === undefined ? {} : { instances },
          );
          process.stdout.write(`Job kill succeeded: ${answer.body.killed.length} tasks killed\n`);
        }),
      ),
  );
  job.addCommand(
    new Command('killall')
      .description('kill every instance of a job and forget it')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .addOption(masterOption())
      .action(
        running(async (keyText: string, flags: ClientFlags) => {
          const key = parseJobKey(keyText);
          const answer = await new AuroraClient(flags.master).request<{ killed: string[] }>(
            'DELETE',
            jobPath(key),
          );
          process.stdout.write(
            `Job killall succeeded: ${answer.body.killed.length} tasks killed\n`,
          );
        }),
      ),
  );
  job.addCommand(
    new Command('restart')
      .description('restart instances in batches, as a rolling update of the same config')
      .argument('<spec>', 'CLUSTER/ROLE/ENV/NAME[/INSTANCES]')
      .addOption(masterOption())
      .action(
        running(async (specText: string, flags: ClientFlags) => {
          const spec = parseInstanceSpec(specText);
          const instances = instanceList(spec.instances);
          await new AuroraClient(flags.master).request(
            'POST',
            `${jobPath(spec.jobKey)}/restart`,
            instances === undefined ? {} : { instances },
          );
          process.stdout.write(`Job restart started: ${formatJobKey(spec.jobKey)}\n`);
        }),
      ),
  );
  job.addCommand(
    withConfig(new Command('inspect'))
      .description('show the job a configuration defines, as the scheduler would get it')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .argument('<config>', 'the .aurora file')
      .option('--write-json', 'print the loaded job as JSON')
      .action(
        running(
          async (keyText: string, file: string, flags: ConfigFlags & { writeJson?: boolean }) => {
            const { job: config } = keyedJob(keyText, file, flags);
            process.stdout.write(
              flags.writeJson ? `${JSON.stringify(config, null, 2)}\n` : describeJob(config),
            );
          },
        ),
      ),
  );
  job.addCommand(
    withConfig(new Command('diff'))
      .description('what would change between the running job and a configuration')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .argument('<config>', 'the .aurora file')
      .action(
        running(async (keyText: string, file: string, flags: ConfigFlags) => {
          const { key, job: config } = keyedJob(keyText, file, flags);
          const answer = await new AuroraClient(flags.master).request<{ changes: unknown[] }>(
            'POST',
            `${jobPath(key)}/diff`,
            { job: config },
          );
          const changes = answer.body.changes;
          process.stdout.write(
            changes.length === 0
              ? 'No difference\n'
              : `${changes.map((change) => (typeof change === 'string' ? change : JSON.stringify(change))).join('\n')}\n`,
          );
        }),
      ),
  );
  return job;
}

function describeJob(job: Job): string {
  const lines = [
    `Job level information`,
    `  name:       '${job.name}'`,
    `  role:       '${job.role}'`,
    `  contact:    '${job.contact ?? ''}'`,
    `  cluster:    '${job.cluster}'`,
    `  instances:  '${job.instances}'`,
    ...(job.cron_schedule === undefined
      ? []
      : [
          `  cron:       schedule: '${job.cron_schedule}'`,
          `              policy:   '${job.cron_collision_policy}'`,
        ]),
    `  service:    ${job.service}`,
    `  production: ${job.production}`,
    '',
    `Task level information`,
    `  name: '${job.task.name}'`,
    ...job.task.constraints.map((constraint) => `  constraint: ${constraint.order.join(' < ')}`),
    '',
    ...job.task.processes.flatMap((process) => [
      `Process '${process.name}':`,
      `  cmdline:`,
      ...process.cmdline.split('\n').map((line) => `    ${line}`),
      ...(process.daemon ? ['  daemon'] : []),
      ...(process.ephemeral ? ['  ephemeral'] : []),
      ...(process.final ? ['  final'] : []),
      '',
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

function updateCommand(): Command {
  const update = new Command('update').description('rolling updates of a job');
  update.addCommand(
    withConfig(new Command('start'))
      .description('update a job to a configuration, batch by batch')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .argument('<config>', 'the .aurora file')
      .action(
        running(async (keyText: string, file: string, flags: ConfigFlags) => {
          const { key, job: config } = keyedJob(keyText, file, flags);
          const answer = await new AuroraClient(flags.master).request<{
            update: { id?: string } | null;
            message?: string;
          }>('POST', `${jobPath(key)}/update`, { job: config });
          process.stdout.write(
            answer.body.update === null
              ? `${answer.body.message ?? 'Noop update'}\n`
              : `Job update has started: ${formatJobKey(key)}${answer.body.update.id ? ` (update ${answer.body.update.id})` : ''}\n`,
          );
        }),
      ),
  );
  for (const action of ['pause', 'resume', 'abort'] as const) {
    update.addCommand(
      new Command(action)
        .description(`${action} the job’s update`)
        .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
        .addOption(masterOption())
        .action(
          running(async (keyText: string, flags: ClientFlags) => {
            const key = parseJobKey(keyText);
            await new AuroraClient(flags.master).request(
              'POST',
              `${jobPath(key)}/update/${action}`,
            );
            process.stdout.write(`Update ${action} succeeded: ${formatJobKey(key)}\n`);
          }),
        ),
    );
  }
  update.addCommand(
    new Command('info')
      .description('the job’s update: state, batches and instance events')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .addOption(masterOption())
      .action(
        running(async (keyText: string, flags: ClientFlags) => {
          const key = parseJobKey(keyText);
          const answer = await new AuroraClient(flags.master).get<{ update: unknown }>(
            `${jobPath(key)}/update`,
          );
          process.stdout.write(
            answer.update === null || answer.update === undefined
              ? `No update for ${formatJobKey(key)}\n`
              : `${JSON.stringify(answer.update, null, 2)}\n`,
          );
        }),
      ),
  );
  return update;
}

function cronCommand(): Command {
  const cron = new Command('cron').description('cron jobs: schedule, deschedule, start now');
  cron.addCommand(
    withConfig(new Command('schedule'))
      .description('schedule a cron job from its configuration (replacing its schedule)')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .argument('<config>', 'the .aurora file')
      .action(
        running(async (keyText: string, file: string, flags: ConfigFlags) => {
          const { key, job: config } = keyedJob(keyText, file, flags);
          await new AuroraClient(flags.master).request('PUT', `${jobPath(key)}/cron`, {
            job: config,
          });
          process.stdout.write(`Cron scheduling succeeded: ${formatJobKey(key)}\n`);
        }),
      ),
  );
  cron.addCommand(
    new Command('deschedule')
      .description('remove a cron job’s schedule')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .addOption(masterOption())
      .action(
        running(async (keyText: string, flags: ClientFlags) => {
          const key = parseJobKey(keyText);
          await new AuroraClient(flags.master).request('DELETE', `${jobPath(key)}/cron`);
          process.stdout.write(`Cron descheduling succeeded: ${formatJobKey(key)}\n`);
        }),
      ),
  );
  cron.addCommand(
    new Command('start')
      .description('run a cron job now, with its collision policy')
      .argument('<key>', 'CLUSTER/ROLE/ENV/NAME')
      .addOption(masterOption())
      .action(
        running(async (keyText: string, flags: ClientFlags) => {
          const key = parseJobKey(keyText);
          await new AuroraClient(flags.master).request('POST', `${jobPath(key)}/cron/start`);
          process.stdout.write(`Cron run started: ${formatJobKey(key)}\n`);
        }),
      ),
  );
  return cron;
}

function configCommand(): Command {
  const config = new Command('config').description('configuration files');
  config.addCommand(
    new Command('list')
      .description('the jobs a configuration defines')
      .argument('<config>', 'the .aurora file')
      .option(
        '--bind <name=value>',
        'bind a name the configuration uses (repeatable)',
        collectBinding,
        {},
      )
      .action(
        running(async (file: string, flags: { bind: Record<string, string> }) => {
          const jobs = loadJobs(file, flags.bind);
          process.stdout.write(`jobs=[${jobs.map(keyOfJob).join(', ')}]\n`);
        }),
      ),
  );
  return config;
}

export function auroraCommand(name = 'aurora'): Command {
  return new Command(name)
    .description('Aurora jobs from .aurora configurations, in the Aurora client’s words')
    .addCommand(jobCommand())
    .addCommand(updateCommand())
    .addCommand(cronCommand())
    .addCommand(configCommand());
}

/** The plugin's contribution to the mesolite command line (its manifest's `cli`). */
export function cliCommands(): Command[] {
  return [auroraCommand()];
}
