import { Command } from 'commander';
import { masterOption, masterUrl } from './master-option.js';

interface PluginInfoJson {
  name: string;
  displayName: string;
  version: string;
  status: string;
  error?: string;
}

async function call(
  master: string,
  path: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<unknown> {
  const url = masterUrl(master, path);
  let response: Response;
  try {
    response = await fetch(url, { method });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`cannot reach ${url}: ${cause}`);
  }
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  if (!response.ok) throw new Error(body.message ?? `${url} answered ${response.status}`);
  return body;
}

function fail(err: unknown): void {
  process.stderr.write(`mesolite plugin: ${(err as Error).message}\n`);
  process.exitCode = 1;
}

export function pluginCommand(): Command {
  const plugin = new Command('plugin').description('list, enable and disable plugins (frameworks)');
  plugin
    .command('list')
    .description('the plugins of a master, with their state and any error')
    .addOption(masterOption())
    .option('--json', 'print JSON')
    .action(async (flags: { master: string; json?: boolean }) => {
      try {
        const body = (await call(flags.master, '/mesolite/v1/plugins')) as {
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
    plugin
      .command(`${action} <name>`)
      .description(`${action} a plugin at run time`)
      .addOption(masterOption())
      .action(async (name: string, flags: { master: string }) => {
        try {
          const info = (await call(
            flags.master,
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
  return plugin;
}
