/**
 * `mesolite package`: the catalog from the command line, in dcos's words, through the
 * daemon's Cosmos API. Install shows the package's notes, asks before it installs
 * (unless --yes), and follows the app's deployment with a progress bar until it is
 * healthy.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { CosmosClient } from '../catalog/cosmos-client.js';
import type { Repository, SearchResult } from '../catalog/package-collection.js';
import type { Installation, UninstallResult } from '../catalog/package-manager.js';
import { defineError } from '../errors.js';
import { watchDeployment } from './app/deployment-watch.js';
import { appPath, MarathonClient } from './app/marathon-client.js';
import type { AppJson } from './app/marathon-json.js';
import { progressDisplay } from './app/progress-display.js';
import { formatTable } from './app/table.js';
import { readJsonInput, reporting } from './command-support.js';
import { masterOption } from './master-option.js';

const OptionsFileError = defineError(
  'MESOLITE_ERR_OPTIONS_FILE',
  400,
  (file: string, reason: string) => `cannot use ${file} as package options: ${reason}`,
);

const NotConfirmedError = defineError(
  'MESOLITE_ERR_NOT_CONFIRMED',
  400,
  (what: string) => `${what} was not confirmed; pass --yes to ${what.toLowerCase()} without asking`,
);

interface MasterFlags {
  master: string;
}

interface JsonFlags extends MasterFlags {
  json?: boolean;
}

interface DescribeFlags extends MasterFlags {
  packageVersion?: string;
  packageVersions?: boolean;
  config?: boolean;
  render?: boolean;
  options?: string;
  appId?: string;
}

interface InstallFlags extends MasterFlags {
  packageVersion?: string;
  appId?: string;
  options?: string;
  yes?: boolean;
  wait: boolean;
  timeout: number;
}

interface UninstallFlags extends MasterFlags {
  appId?: string;
  all?: boolean;
  yes?: boolean;
}

interface DescribedPackage {
  name: string;
  version: string;
  description: string;
  preInstallNotes?: string;
  postInstallNotes?: string;
  config?: Record<string, unknown>;
}

const client = (flags: MasterFlags) => new CosmosClient(flags.master);

function printWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function readOptions(file: string | undefined): Promise<Record<string, unknown> | undefined> {
  if (file === undefined) return undefined;
  const options = await readJsonInput(file, (name, reason) => new OptionsFileError(name, reason));
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionsFileError(file, 'it must hold a JSON object');
  }
  return options as Record<string, unknown>;
}

async function confirm(question: string, what: string): Promise<void> {
  if (!process.stdin.isTTY) throw new NotConfirmedError(what);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(`${question} [yes/no] `)).trim().toLowerCase();
    if (answer !== 'yes' && answer !== 'y') throw new NotConfirmedError(what);
  } finally {
    prompt.close();
  }
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new InvalidArgumentError('a number of seconds greater than 0.');
  return parsed;
}

function whole(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError('a whole number, 0 or more.');
  return parsed;
}

/** A URL as given, or a directory made into the file: URL the daemon reads it from. */
export function repositoryUri(location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location)
    ? location
    : pathToFileURL(resolve(location)).href;
}

async function describe(name: string, flags: DescribeFlags): Promise<void> {
  const cosmos = client(flags);
  if (flags.packageVersions) {
    const reply = await cosmos.call<{ results: Record<string, number> }>(
      '/package/list-versions',
      'list-versions',
      {
        packageName: name,
        includePackageVersions: true,
      },
    );
    printWarnings(reply.warnings);
    printJson(Object.keys(reply.body.results));
    return;
  }
  const selector = {
    packageName: name,
    ...(flags.packageVersion ? { packageVersion: flags.packageVersion } : {}),
  };
  if (flags.render) {
    const options = await readOptions(flags.options);
    const reply = await cosmos.call<{ marathonJson: unknown }>('/package/render', 'render', {
      ...selector,
      ...(options ? { options } : {}),
      ...(flags.appId ? { appId: flags.appId } : {}),
    });
    printWarnings(reply.warnings);
    printJson(reply.body.marathonJson);
    return;
  }
  const reply = await cosmos.call<{ package: DescribedPackage }>(
    '/package/describe',
    'describe',
    selector,
    3,
  );
  printWarnings(reply.warnings);
  printJson(flags.config ? (reply.body.package.config ?? {}) : reply.body.package);
}

/** Follows the app's deployment until it is done (healthy, when it has health checks). */
async function followInstall(flags: InstallFlags, appId: string): Promise<AppJson | undefined> {
  const marathon = new MarathonClient(flags.master);
  const { app } = await marathon.get<{ app: AppJson & { deployments?: Array<{ id: string }> } }>(
    `/v2/apps/${appPath(appId)}`,
  );
  const deploymentId = app.deployments?.[0]?.id;
  if (!deploymentId) return app;
  return watchDeployment({
    client: marathon,
    kind: 'deploy',
    appId,
    deploymentId,
    timeoutMs: flags.timeout * 1000,
    display: progressDisplay(),
  });
}

async function install(name: string, flags: InstallFlags): Promise<void> {
  const cosmos = client(flags);
  const options = await readOptions(flags.options);
  const selector = {
    packageName: name,
    ...(flags.packageVersion ? { packageVersion: flags.packageVersion } : {}),
  };
  const described = await cosmos.call<{ package: DescribedPackage }>(
    '/package/describe',
    'describe',
    selector,
    3,
  );
  printWarnings(described.warnings);
  const pkg = described.body.package;
  if (pkg.preInstallNotes) process.stdout.write(`${pkg.preInstallNotes}\n`);
  if (!flags.yes) await confirm(`Continue installing ${pkg.name} ${pkg.version}?`, 'Install');
  process.stdout.write(`Installing ${pkg.name} ${pkg.version}...\n`);
  const reply = await cosmos.call<{ appId?: string; postInstallNotes?: string }>(
    '/package/install',
    'install',
    {
      ...selector,
      ...(options ? { options } : {}),
      ...(flags.appId ? { appId: flags.appId } : {}),
    },
    2,
  );
  printWarnings(reply.warnings);
  const appId = reply.body.appId;
  if (appId && flags.wait) {
    const app = await followInstall(flags, appId);
    const health =
      (app?.healthChecks?.length ?? 0) > 0
        ? `${app?.tasksHealthy}/${app?.instances} healthy`
        : `${app?.tasksRunning}/${app?.instances} running`;
    process.stdout.write(`${appId}: ${health}\n`);
  } else if (appId) {
    process.stdout.write(`${appId}: deploying\n`);
  }
  if (reply.body.postInstallNotes) process.stdout.write(`${reply.body.postInstallNotes}\n`);
}

async function uninstall(name: string, flags: UninstallFlags): Promise<void> {
  if (!flags.yes) {
    const which = flags.all ? 'every instance of' : (flags.appId ?? 'the instance of');
    await confirm(`Uninstall ${which} ${name}?`, 'Uninstall');
  }
  const reply = await client(flags).call<{ results: UninstallResult[] }>(
    '/package/uninstall',
    'uninstall',
    {
      packageName: name,
      ...(flags.appId ? { appId: flags.appId } : {}),
      ...(flags.all ? { all: true } : {}),
    },
  );
  for (const result of reply.body.results) {
    const version = result.packageVersion === undefined ? '' : ` ${result.packageVersion}`;
    process.stdout.write(`Uninstalled ${result.packageName}${version} (${result.appId})\n`);
    if (result.postUninstallNotes) process.stdout.write(`${result.postUninstallNotes}\n`);
  }
}

export function packageCommand(): Command {
  const command = new Command('package').description(
    'install pre-configured apps from the catalog (DC/OS Universe packages)',
  );

  command
    .command('search')
    .description('search the repositories for packages')
    .argument('[query]', 'words to look for in names, descriptions and tags (* is a wildcard)')
    .addOption(masterOption())
    .option('--json', 'print the search response as JSON')
    .action(
      reporting('package search', async (query: string | undefined, flags: JsonFlags) => {
        const reply = await client(flags).call<{ packages: SearchResult[] }>(
          '/package/search',
          'search',
          query ? { query } : {},
        );
        printWarnings(reply.warnings);
        if (flags.json) return printJson(reply.body);
        const rows = reply.body.packages.map((pkg) => [
          pkg.name,
          pkg.currentVersion,
          pkg.selected ? 'True' : 'False',
          pkg.framework ? 'True' : 'False',
          pkg.description.length > 60 ? `${pkg.description.slice(0, 59)}…` : pkg.description,
        ]);
        process.stdout.write(
          formatTable(['NAME', 'VERSION', 'SELECTED', 'FRAMEWORK', 'DESCRIPTION'], rows),
        );
      }),
    );

  command
    .command('describe')
    .description('show a package: its definition, versions, options schema or rendered app')
    .argument('<name>', 'the package')
    .addOption(masterOption())
    .option('--package-version <version>', 'a version other than the newest')
    .option('--package-versions', 'list the package’s versions, oldest first')
    .option('--config', 'show the package’s options schema (config.json)')
    .option('--render', 'show the Marathon app the package would install')
    .option('--options <file>', 'options for --render (JSON file, - for stdin)')
    .option('--app-id <id>', 'app id for --render')
    .action(reporting('package describe', describe));

  command
    .command('install')
    .description('install a package: its app is deployed through Marathon')
    .argument('<name>', 'the package')
    .addOption(masterOption())
    .option('--package-version <version>', 'a version other than the newest')
    .option('--app-id <id>', 'the Marathon app id to install under')
    .option(
      '--options <file>',
      'options (JSON file, - for stdin), merged over the package’s defaults',
    )
    .option('--yes', 'do not ask for confirmation')
    .option('--no-wait', 'return once the app is created, without waiting for it to be healthy')
    .option('--timeout <seconds>', 'how long to wait for the app to be healthy', seconds, 300)
    .action(reporting('package install', install));

  command
    .command('uninstall')
    .description('uninstall a package: its app is removed and its framework torn down')
    .argument('<name>', 'the package')
    .addOption(masterOption())
    .option('--app-id <id>', 'which installed app of the package')
    .option('--all', 'every installed app of the package')
    .option('--yes', 'do not ask for confirmation')
    .action(reporting('package uninstall', uninstall));

  command
    .command('list')
    .description('list installed packages')
    .addOption(masterOption())
    .option('--json', 'print the list response as JSON')
    .action(
      reporting('package list', async (flags: JsonFlags) => {
        const reply = await client(flags).call<{ packages: Installation[] }>(
          '/package/list',
          'list',
          {},
        );
        if (flags.json) return printJson(reply.body);
        const rows = reply.body.packages.map((installed) => [
          String(installed.packageInformation.packageDefinition.name),
          String(installed.packageInformation.packageDefinition.version),
          installed.appId,
          String(installed.packageInformation.packageDefinition.description ?? ''),
        ]);
        process.stdout.write(formatTable(['NAME', 'VERSION', 'APP', 'DESCRIPTION'], rows));
      }),
    );

  const repo = command.command('repo').description('manage the package repositories');
  const printRepositories = (repositories: Repository[]) =>
    process.stdout.write(
      formatTable(
        ['NAME', 'URI'],
        repositories.map((entry) => [entry.name, entry.uri]),
      ),
    );

  repo
    .command('add')
    .description(
      'add a repository: a Universe server URL or a directory in Universe’s source layout',
    )
    .argument('<name>', 'a name for the repository')
    .argument(
      '<location>',
      'http(s) URL of the repository index, or a directory on the daemon’s machine',
    )
    .addOption(masterOption())
    .option('--index <n>', 'position in the list (0 is searched first); default last', whole)
    .action(
      reporting(
        'package repo add',
        async (name: string, location: string, flags: MasterFlags & { index?: number }) => {
          const reply = await client(flags).call<{ repositories: Repository[] }>(
            '/package/repository/add',
            'repository.add',
            {
              name,
              uri: repositoryUri(location),
              ...(flags.index !== undefined ? { index: flags.index } : {}),
            },
          );
          printRepositories(reply.body.repositories);
        },
      ),
    );

  repo
    .command('list')
    .description('list the repositories, in the order they are searched')
    .addOption(masterOption())
    .action(
      reporting('package repo list', async (flags: MasterFlags) => {
        const reply = await client(flags).call<{ repositories: Repository[] }>(
          '/package/repository/list',
          'repository.list',
          {},
        );
        printRepositories(reply.body.repositories);
      }),
    );

  repo
    .command('remove')
    .description('remove a repository')
    .argument('<name>', 'the repository')
    .addOption(masterOption())
    .action(
      reporting('package repo remove', async (name: string, flags: MasterFlags) => {
        const reply = await client(flags).call<{ repositories: Repository[] }>(
          '/package/repository/delete',
          'repository.delete',
          {
            name,
          },
        );
        printRepositories(reply.body.repositories);
      }),
    );

  return command;
}
