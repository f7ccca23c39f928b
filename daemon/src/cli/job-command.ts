/**
 * `mesolite job`: Chronos jobs from the command line, through the Chronos plugin's API
 * at `<master>/service/chronos`. A file holds one job or a list of them, in the JSON
 * Chronos takes; jobs with `parents` go to /scheduler/dependency, the rest to
 * /scheduler/iso8601.
 */
import { Command } from 'commander';
import { formatTable } from './app/table.js';
import { readJsonInput, reporting } from './command-support.js';
import {
  ChronosClient,
  type ChronosJobJson,
  JobFileError,
  postingOrder,
} from './job/chronos-client.js';
import { formatDependencyTree, parseGraphCsv } from './job/dependency-tree.js';
import { masterOption } from './master-option.js';

interface ClientFlags {
  master: string;
}

interface JsonFlags extends ClientFlags {
  json?: boolean;
}

const jobPath = (name: string) => `/scheduler/job/${encodeURIComponent(name)}`;

function readJobs(value: unknown, file: string): ChronosJobJson[] {
  const jobs = Array.isArray(value) ? value : [value];
  for (const [index, job] of jobs.entries()) {
    const name = (job as { name?: unknown } | null)?.name;
    if (typeof job !== 'object' || job === null || typeof name !== 'string' || name === '') {
      throw new JobFileError(file, `job ${index + 1} has no "name"`);
    }
  }
  return jobs as ChronosJobJson[];
}

function when(job: ChronosJobJson): string {
  if (job.parents && job.parents.length > 0) return `after ${job.parents.join(', ')}`;
  return job.schedule ?? '';
}

function lastRun(job: ChronosJobJson): string {
  const success = job.lastSuccess ?? '';
  const error = job.lastError ?? '';
  if (!success && !error) return 'never';
  return success >= error ? `success ${success}` : `failure ${error}`;
}

function addCommand(): Command {
  return new Command('add')
    .description('create or replace Chronos jobs from their JSON (one job or a list)')
    .argument('<file>', 'a JSON file, or - for stdin')
    .addOption(masterOption())
    .addHelpText(
      'after',
      '\nExample:\n  echo \'{"name":"hello","command":"echo hello","schedule":"R/2026-01-01T00:00:00Z/PT1M"}\' | mesolite job add -',
    )
    .action(
      reporting('job', async (file: string, flags: ClientFlags) => {
        const jobs = readJobs(
          await readJsonInput(file, (name, reason) => new JobFileError(name, reason)),
          file,
        );
        const chronos = new ChronosClient(flags.master);
        for (const job of postingOrder(jobs)) {
          const dependent = (job.parents?.length ?? 0) > 0;
          await chronos.request(
            'POST',
            dependent ? '/scheduler/dependency' : '/scheduler/iso8601',
            job,
          );
          process.stdout.write(`${job.name}: added (${when(job)})\n`);
        }
      }),
    );
}

function listCommand(): Command {
  return new Command('list')
    .description('the jobs, with their schedule or parents, counts and last run')
    .addOption(masterOption())
    .option('--json', "print Chronos's JSON")
    .action(
      reporting('job', async (flags: JsonFlags) => {
        const jobs = await new ChronosClient(flags.master).get<ChronosJobJson[]>('/scheduler/jobs');
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
          return;
        }
        const rows = [...jobs]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((job) => [
            job.name,
            when(job),
            String(job.successCount ?? 0),
            String(job.errorCount ?? 0),
            lastRun(job),
            job.disabled ? 'disabled' : 'enabled',
          ]);
        process.stdout.write(
          formatTable(['NAME', 'WHEN', 'SUCCESSES', 'ERRORS', 'LAST RUN', 'STATE'], rows),
        );
      }),
    );
}

function runCommand(): Command {
  return new Command('run')
    .description('start a run of a job now, outside its schedule')
    .argument('<name>', 'the job')
    .addOption(masterOption())
    .action(
      reporting('job', async (name: string, flags: ClientFlags) => {
        await new ChronosClient(flags.master).request('PUT', jobPath(name));
        process.stdout.write(`${name}: run started\n`);
      }),
    );
}

interface HistoryJson {
  runs: Array<{
    taskId: string;
    attempt: number;
    dueAt: string;
    endedAt: string;
    durationMs?: number;
    status: string;
    exitStatus?: number;
    message?: string;
    logs?: string;
  }>;
  running: Array<{ taskId: string; attempt: number; phase: string }>;
}

function historyCommand(): Command {
  return new Command('history')
    .description("a job's recent runs: when, how they ended, how long, and where their logs are")
    .argument('<name>', 'the job')
    .addOption(masterOption())
    .option('--json', 'print the history as JSON')
    .action(
      reporting('job', async (name: string, flags: JsonFlags) => {
        const history = await new ChronosClient(flags.master).get<HistoryJson>(
          `/mesolite/v1/jobs/${encodeURIComponent(name)}/history`,
        );
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
          return;
        }
        const rows = [...history.runs]
          .reverse()
          .map((run) => [
            run.dueAt,
            String(run.attempt),
            run.status,
            run.exitStatus === undefined ? '' : String(run.exitStatus),
            run.durationMs === undefined ? '' : `${(run.durationMs / 1000).toFixed(1)}s`,
            run.logs ?? '',
          ]);
        process.stdout.write(
          formatTable(['DUE', 'ATTEMPT', 'STATUS', 'EXIT', 'DURATION', 'SANDBOX'], rows),
        );
        for (const run of history.running) {
          process.stdout.write(`running: ${run.taskId} (attempt ${run.attempt}, ${run.phase})\n`);
        }
      }),
    );
}

function removeCommand(): Command {
  return new Command('remove')
    .description('delete a job (its running task is killed)')
    .argument('<name>', 'the job')
    .addOption(masterOption())
    .action(
      reporting('job', async (name: string, flags: ClientFlags) => {
        await new ChronosClient(flags.master).request('DELETE', jobPath(name));
        process.stdout.write(`${name}: removed\n`);
      }),
    );
}

function graphCommand(): Command {
  return new Command('graph')
    .description('the dependency graph as text: each job under the jobs it runs after')
    .addOption(masterOption())
    .option('--dot', "print Graphviz's dot, as Chronos's /scheduler/graph/dot gives it")
    .action(
      reporting('job', async (flags: ClientFlags & { dot?: boolean }) => {
        const chronos = new ChronosClient(flags.master);
        if (flags.dot) {
          process.stdout.write(String(await chronos.get<string>('/scheduler/graph/dot')));
          return;
        }
        const csv = String(await chronos.get<string>('/scheduler/graph/csv'));
        process.stdout.write(formatDependencyTree(parseGraphCsv(csv)));
      }),
    );
}

export function jobCommand(): Command {
  return new Command('job')
    .description('Chronos jobs: add, list, run, history, graph, remove')
    .addCommand(addCommand())
    .addCommand(listCommand())
    .addCommand(runCommand())
    .addCommand(historyCommand())
    .addCommand(graphCommand())
    .addCommand(removeCommand());
}
