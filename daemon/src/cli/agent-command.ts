import { join } from 'node:path';
import { Command, Option } from 'commander';
import Fastify from 'fastify';
import { startAgentRuntime } from '../agent/agent-runtime.js';
import { filesRoutes } from '../agent/files/files-routes.js';
import { defaultWorkDir, isLoopback } from '../config/daemon-options.js';
import { InsecureBindError } from '../errors.js';
import { createLogger } from '../logger.js';
import { healthRoutes } from '../server/health-routes.js';
import { GroupCommitStore } from '../store/group-commit-store.js';
import { LevelStore } from '../store/level-store.js';
import { masterOption } from './master-option.js';
import { parsePort } from './parse.js';

interface AgentFlags {
  master: string;
  token?: string;
  hostname?: string;
  workDir: string;
  resources?: string;
  attributes?: string;
  port: number;
  host: string;
  logLevel: string;
}

export function agentCommand(): Command {
  return new Command('agent')
    .description('run an agent that joins a master and runs the tasks it is given')
    .addOption(masterOption())
    .addOption(new Option('--token <token>', "the master's join token").env('MESOLITE_TOKEN'))
    .addOption(
      new Option('--hostname <name>', "the hostname tasks report (default: this machine's)"),
    )
    .addOption(
      new Option('--work-dir <dir>', 'where sandboxes and checkpoints live')
        .env('MESOLITE_WORK_DIR')
        .default(join(defaultWorkDir(), 'agent')),
    )
    .addOption(
      new Option(
        '--resources <list>',
        'resources to offer, e.g. "cpus:4;mem:2048;ports:[31000-32000]"',
      ),
    )
    .addOption(new Option('--attributes <list>', 'attributes, e.g. "rack:a;zone:lab"'))
    .addOption(
      new Option('--port <port>', "port of the agent's files endpoints")
        .argParser(parsePort)
        .default(5051),
    )
    .addOption(
      new Option('--host <addr>', "address of the agent's files endpoints").default('127.0.0.1'),
    )
    .addOption(
      new Option('--log-level <level>', 'log level on stderr')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info'),
    )
    .action(async (flags: AgentFlags) => {
      if (!isLoopback(flags.host)) throw new InsecureBindError(flags.host);
      const logger = createLogger(flags.logLevel, 'mesolite-agent');
      const store = GroupCommitStore.wrap(await LevelStore.open(join(flags.workDir, 'store')));
      const runtime = await startAgentRuntime({
        masterUrl: flags.master,
        workDir: flags.workDir,
        store: store.namespace('agent'),
        logger,
        hostname: flags.hostname,
        resources: flags.resources,
        attributes: flags.attributes,
        token: flags.token,
        onRefused: (message) => {
          process.stderr.write(`mesolite agent: the master refused this agent: ${message}\n`);
          process.exit(1);
        },
      });
      const server = Fastify({ loggerInstance: logger });
      await server.register(healthRoutes);
      await server.register(filesRoutes(runtime.files));
      await server.listen({ host: flags.host, port: flags.port });
      process.stdout.write(`mesolite agent ${runtime.agent.id} joined ${flags.master}\n`);
      const shutdown = () => {
        void runtime
          .stop()
          .then(() => server.close())
          .then(() => store.close())
          .then(() => process.exit(0));
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}
