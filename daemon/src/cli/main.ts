#!/usr/bin/env node
import { MesoliteError } from '../errors.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof MesoliteError) {
    process.stderr.write(`mesolite: ${err.message} (${err.code})\n`);
    process.exit(2);
  }
  throw err;
}
