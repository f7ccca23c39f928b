#!/usr/bin/env node
/** The `aurora` alias: `aurora job create ...` is `mesolite aurora job create ...`. */
import { auroraCommand } from './aurora-command.js';

await auroraCommand('aurora').parseAsync(process.argv);
