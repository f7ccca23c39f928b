/**
 * Commands that plugins add to the `mesolite` command line through their manifest's
 * `cli` entry, as `mesolite aurora ...` comes from the Aurora plugin. The CLI stays
 * usable when a plugin's commands cannot load: it says which and why on stderr.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { defaultWorkDir } from '../config/daemon-options.js';
import { discoverPlugins } from '../plugins/discovery.js';

interface CliModule {
  cliCommands?: () => Command[];
}

export async function pluginCommands(workDir = defaultWorkDir()): Promise<Command[]> {
  const { found } = await discoverPlugins(workDir);
  const commands: Command[] = [];
  for (const plugin of found) {
    const entry = plugin.manifest.cli;
    if (entry === undefined) continue;
    try {
      const module = (await import(pathToFileURL(join(plugin.dir, entry)).href)) as CliModule;
      if (typeof module.cliCommands !== 'function') {
        throw new Error(`${entry} does not export cliCommands()`);
      }
      commands.push(...module.cliCommands());
    } catch (err) {
      process.stderr.write(
        `mesolite: the ${plugin.manifest.name} plugin's commands are unavailable: ${(err as Error).message}\n`,
      );
    }
  }
  return commands;
}
