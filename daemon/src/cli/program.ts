import { createRequire } from 'node:module';
import { Command } from 'commander';
import { agentCommand } from './agent-command.js';
import { appCommand } from './app-command.js';
import { demoCommand } from './demo-command.js';
import { healthCommand } from './health-command.js';
import { imageCommand } from './image-command.js';
import { jobCommand } from './job-command.js';
import { loginCommand } from './login-command.js';
import { masterLeaderCommand, masterResolveCommand } from './master-leader-command.js';
import { resolveZooKeeperMaster } from './master-option.js';
import { packageCommand } from './package-command.js';
import { pluginCommand } from './plugin-command.js';
import { tokenCommand } from './token-command.js';
import { masterCommand, upCommand } from './up-command.js';
import { userCommand } from './user-command.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  // The preAction hook runs before every command's action: `--master zk://…` becomes
  // the leading master's URL there.
  return new Command('mesolite')
    .description('A Mesos cluster in a box: master, agent, Marathon, Chronos and Aurora.')
    .version(version)
    .showHelpAfterError()
    .hook('preAction', resolveZooKeeperMaster)
    .addCommand(upCommand())
    .addCommand(
      masterCommand().addCommand(masterLeaderCommand()).addCommand(masterResolveCommand()),
    )
    .addCommand(agentCommand())
    .addCommand(pluginCommand())
    .addCommand(demoCommand())
    .addCommand(healthCommand())
    .addCommand(appCommand())
    .addCommand(jobCommand())
    .addCommand(packageCommand())
    .addCommand(imageCommand())
    .addCommand(userCommand())
    .addCommand(tokenCommand())
    .addCommand(loginCommand());
}
