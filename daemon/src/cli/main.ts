#!/usr/bin/env node
import { MesoliteError } from '../errors.js';
import { pluginCommands } from './plugin-commands.js';
import { buildProgram } from './program.js';

try {
  const program = buildProgram();
  for (const command of await pluginCommands()) program.addCommand(command);
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof MesoliteError) {
    process.stderr.write(`mesolite: ${err.message} (${err.code})\n`);
    process.exit(2);
  }
  throw err;
}
