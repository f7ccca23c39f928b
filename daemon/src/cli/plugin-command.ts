import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import type { MasterAccessFlags } from '../auth/master-fetch.js';
import { defaultWorkDir } from '../config/daemon-options.js';
import { CLASSIC_PORTS } from '../daemon.js';
import { LeaderSchedulerTransport } from '../ha/leader-scheduler-transport.js';
import { MasterFollower } from '../ha/master-follower.js';
import { createLogger } from '../logger.js';
import { discoverPlugins } from '../plugins/discovery.js';
import { ArtifactRegistry, copiedInto } from '../plugins/plugin-artifacts.js';
import { principalPluginCredentials } from '../plugins/plugin-credentials.js';
import { PluginHost } from '../plugins/plugin-host.js';
import { HttpSchedulerTransport } from '../scheduler/http-transport.js';
import { GroupCommitStore } from '../store/group-commit-store.js';
import { LevelStore } from '../store/level-store.js';
import { clientFetch, withCredentialOptions } from './credential-options.js';
import {
  type FrameworkCredentialFlags,
  frameworkTransportOptions,
  withFrameworkCredentialOptions,
} from './framework-credentials.js';
import { followingMasterOption, masterOption, masterUrl } from './master-option.js';
import { parsePort } from './parse.js';

interface PluginInfoJson {
  name: string;
  displayName: string;
  version: string;
  status: string;
  error?: string;
}

async function call(
  flags: MasterAccessFlags,
  path: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' = 'GET',
  /** A packed plugin to upload as the request body. */
  tgz?: Buffer,
): Promise<unknown> {
  const url = masterUrl(flags.master, path);
  const send = await clientFetch(flags);
  let response: Response;
  try {
    response = await send(url, {
      method,
      ...(tgz
        ? { headers: { 'content-type': 'application/gzip' }, body: new Uint8Array(tgz) }
        : {}),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`cannot reach ${url}: ${cause}`);
  }
  // Mesolite's errors carry `message`; DC/OS's auth errors, `description`.
  const body = (await response.json().catch(() => ({}))) as {
    message?: string;
    description?: string;
  };
  if (!response.ok) {
    const reason = body.message ?? body.description ?? `${url} answered ${response.status}`;
    if (response.status !== 401) throw new Error(reason);
    throw new Error(
      `${reason} Log in with \`mesolite login --master ${flags.master}\`, or pass --token.`,
    );
  }
  return body;
}

function fail(err: unknown): void {
  process.stderr.write(`mesolite plugin: ${(err as Error).message}\n`);
  process.exitCode = 1;
}

export function pluginCommand(): Command {
  const plugin = new Command('plugin').description(
    'list, enable, disable, pack, install, upgrade and remove plugins (frameworks)',
  );
  withCredentialOptions(
    plugin
      .command('list')
      .description('the plugins of a master, with their state and any error')
      .addOption(masterOption())
      .option('--json', 'print JSON'),
  ).action(async (flags: MasterAccessFlags & { json?: boolean }) => {
    try {
      const body = (await call(flags, '/mesolite/v1/plugins')) as {
        plugins: PluginInfoJson[];
        broken: Array<{ where: string; error: string }>;
      };
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
        return;
      }
      const rows = body.plugins.map((p) => [p.name, p.version, p.status, p.error ?? '']);
      const widths = [4, 7, 6].map((min, i) =>
        Math.max(min, ...rows.map((row) => row[i]?.length ?? 0)),
      );
      const line = (cells: string[]) =>
        `${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')}`.trimEnd();
      process.stdout.write(`${line(['NAME', 'VERSION', 'STATUS', 'ERROR'])}\n`);
      for (const row of rows) process.stdout.write(`${line(row)}\n`);
      for (const broken of body.broken)
        process.stdout.write(`BROKEN  ${broken.where}: ${broken.error}\n`);
    } catch (err) {
      fail(err);
    }
  });
  for (const action of ['enable', 'disable'] as const) {
    withCredentialOptions(
      plugin
        .command(`${action} <name>`)
        .description(`${action} a plugin at run time`)
        .addOption(masterOption()),
    ).action(async (name: string, flags: MasterAccessFlags) => {
      try {
        const info = (await call(
          flags,
          `/mesolite/v1/plugins/${encodeURIComponent(name)}/${action}`,
          'POST',
        )) as PluginInfoJson;
        process.stdout.write(
          `${info.name}: ${info.status}${info.error ? ` (${info.error})` : ''}\n`,
        );
        if (action === 'enable' && info.status === 'failed') process.exitCode = 1;
      } catch (err) {
        fail(err);
      }
    });
  }
  plugin
    .command('pack <dir>')
    .description("bundle a plugin's package into a .tgz that `plugin install` deploys")
    .option('-o, --output <file>', 'where to write it (default: mesolite-plugin-NAME-VERSION.tgz)')
    .action(async (dir: string, flags: { output?: string }) => {
      try {
        // esbuild loads only when packing, not on every command line.
        const { packPlugin } = await import('../plugins/plugin-packer.js');
        const packed = await packPlugin(dir, flags.output);
        process.stdout.write(
          `packed ${packed.manifest.name} ${packed.version} into ${packed.file}\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
  const report = (info: PluginInfoJson) => {
    process.stdout.write(
      `${info.name} ${info.version}: ${info.status}${info.error ? ` (${info.error})` : ''}\n`,
    );
    if (info.status === 'failed') process.exitCode = 1;
  };
  const readPackage = (file: string) =>
    readFile(file).catch((err: Error) => {
      throw new Error(`cannot read ${file}: ${err.message}`);
    });
  withCredentialOptions(
    plugin
      .command('install <file>')
      .description('upload a packed plugin (.tgz) to a master, which starts it (admin only)')
      .addOption(masterOption()),
  ).action(async (file: string, flags: MasterAccessFlags) => {
    try {
      report(
        (await call(
          flags,
          '/mesolite/v1/plugins',
          'POST',
          await readPackage(file),
        )) as PluginInfoJson,
      );
    } catch (err) {
      fail(err);
    }
  });
  withCredentialOptions(
    plugin
      .command('upgrade <name> <file>')
      .description(
        'replace an installed plugin with a new package; it keeps its framework and tasks',
      )
      .addOption(masterOption()),
  ).action(async (name: string, file: string, flags: MasterAccessFlags) => {
    try {
      const path = `/mesolite/v1/plugins/${encodeURIComponent(name)}`;
      report((await call(flags, path, 'PUT', await readPackage(file))) as PluginInfoJson);
    } catch (err) {
      fail(err);
    }
  });
  withCredentialOptions(
    plugin
      .command('remove <name>')
      .description('stop an installed plugin and delete its files (its stored state is kept)')
      .addOption(masterOption()),
  ).action(async (name: string, flags: MasterAccessFlags) => {
    try {
      await call(flags, `/mesolite/v1/plugins/${encodeURIComponent(name)}`, 'DELETE');
      process.stdout.write(`${name}: removed\n`);
    } catch (err) {
      fail(err);
    }
  });
  withFrameworkCredentialOptions(
    plugin
      .command('run <name>')
      .description(
        'run one plugin on its own, as a framework of a remote master (Mesos or mesolite)',
      ),
  )
    .addOption(followingMasterOption())
    .addOption(
      new Option(
        '--port <port>',
        "port of the plugin's API (default: its classic port, else 0)",
      ).argParser(parsePort),
    )
    .addOption(
      new Option('--work-dir <dir>', "where the plugin's state lives")
        .env('MESOLITE_WORK_DIR')
        .default(join(defaultWorkDir(), 'plugin-run')),
    )
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(
      async (
        name: string,
        flags: FrameworkCredentialFlags & {
          master: string;
          port?: number;
          workDir: string;
          logLevel: string;
        },
      ) => {
        const logger = createLogger(flags.logLevel, `mesolite-${name}`);
        // The same principal and CA whichever master it talks to, one URL or zk://.
        const access = await frameworkTransportOptions(flags);
        // --master zk://…/PATH: every subscription goes to whichever master leads then.
        const follower = flags.master.startsWith('zk://')
          ? await MasterFollower.start(flags.master, { logger })
          : undefined;
        const connect = (master: string) =>
          new HttpSchedulerTransport({ master, logger, ...access });
        const store = GroupCommitStore.wrap(await LevelStore.open(join(flags.workDir, 'store')));
        const host = new PluginHost({
          store: store.namespace('plugins'),
          logger,
          host: '127.0.0.1',
          io: undefined,
          transport: () =>
            follower
              ? new LeaderSchedulerTransport(() => follower.url, connect)
              : connect(flags.master),
          ports: { [name]: flags.port ?? CLASSIC_PORTS[name] ?? 0 },
          // No master serves this plugin's files: agents on this machine fetch copies.
          artifacts: new ArtifactRegistry(copiedInto(join(flags.workDir, 'artifacts'))),
          // context.fetch goes as the same principal; tasks call the plugin's own port.
          credentials: principalPluginCredentials(access),
          standalone: true,
        });
        host.masterUrl = follower?.url ?? flags.master;
        follower?.on('leader', (url) => {
          host.masterUrl = url;
        });
        const discovered = await discoverPlugins(flags.workDir);
        const wanted = discovered.found.filter((found) => found.manifest.name === name);
        if (wanted.length === 0) {
          process.stderr.write(`mesolite plugin: no plugin named "${name}" is installed\n`);
          await store.close();
          await follower?.close();
          process.exitCode = 1;
          return;
        }
        await host.load(wanted);
        const info = host.list()[0];
        if (info?.status !== 'active') {
          process.stderr.write(
            `mesolite plugin: ${name} failed to start: ${info?.error ?? 'unknown error'}\n`,
          );
          await host.stopAll();
          await store.close();
          await follower?.close();
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${name} is up: ${info.url}/ (framework of ${flags.master})\n`);
        const shutdown = () => {
          void host
            .stopAll()
            .then(() => follower?.close())
            .then(() => store.close())
            .then(() => process.exit(0));
        };
        process.on('SIGTERM', shutdown);
        process.on('SIGINT', shutdown);
      },
    );
  return plugin;
}
