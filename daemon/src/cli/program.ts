import { createRequire } from 'node:module';
import { Command } from 'commander';
import { agentCommand } from './agent-command.js';
import { appCommand } from './app-command.js';
import { demoCommand } from './demo-command.js';
import { healthCommand } from './health-command.js';
import { jobCommand } from './job-command.js';
import { pluginCommand } from './plugin-command.js';
import { masterCommand, upCommand } from './up-command.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  return new Command('mesolite')
    .description('A Mesos cluster in a box: master, agent, Marathon, Chronos and Aurora.')
    .version(version)
    .showHelpAfterError()
    .addCommand(upCommand())
    .addCommand(masterCommand())
    .addCommand(agentCommand())
    .addCommand(pluginCommand())
    .addCommand(demoCommand())
    .addCommand(healthCommand())
    .addCommand(appCommand())
    .addCommand(jobCommand());
}
