import { join } from 'node:path';
import { Command, Option } from 'commander';
import Fastify from 'fastify';
import type { Agent } from '../agent/agent.js';
import { startAgentRuntime } from '../agent/agent-runtime.js';
import { filesRoutes } from '../agent/files/files-routes.js';
import { prepareAgentJoin } from '../auth/agent-admission.js';
import { JoinTokenRequiredError } from '../auth/errors.js';
import { defaultWorkDir, isLoopback } from '../config/daemon-options.js';
import { InsecureBindError } from '../errors.js';
import { MasterFollower } from '../ha/master-follower.js';
import { createLogger } from '../logger.js';
import { healthRoutes } from '../server/health-routes.js';
import { GroupCommitStore } from '../store/group-commit-store.js';
import { LevelStore } from '../store/level-store.js';
import { followingMasterOption } from './master-option.js';
import { parsePort } from './parse.js';

interface AgentFlags {
  master: string;
  token?: string;
  hostname?: string;
  ip?: string;
  workDir: string;
  resources?: string;
  attributes?: string;
  port: number;
  host: string;
  logLevel: string;
}

/**
 * A master served over https is joined only with a token whose CA it proves it holds;
 * over http (loopback) the token, if any, is sent as is.
 */
async function joinMaster(
  master: string,
  token: string | undefined,
): Promise<{ token: string | undefined; ca?: string }> {
  if (new URL(master).protocol !== 'https:') return { token };
  if (token === undefined || token.trim() === '') throw new JoinTokenRequiredError(master);
  return prepareAgentJoin(master, token);
}

export function agentCommand(): Command {
  return new Command('agent')
    .description('run an agent that joins a master and runs the tasks it is given')
    .addOption(followingMasterOption())
    .addOption(
      // Not MESOLITE_TOKEN, the login token of every other command: joining and logging
      // in are kept apart, as k3s keeps K3S_TOKEN apart from its kubeconfig.
      new Option('--token <token>', "the master's join token (`mesolite token show`)").env(
        'MESOLITE_JOIN_TOKEN',
      ),
    )
    .addOption(
      new Option('--hostname <name>', "the hostname tasks report (default: this machine's)"),
    )
    .addOption(
      new Option(
        '--ip <addr>',
        "this machine's address on the master's network; the hostname reported when --hostname is absent",
      ),
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
      if (!isLoopback(flags.host)) {
        throw new InsecureBindError(flags.host, "the agent's files endpoint");
      }
      const logger = createLogger(flags.logLevel, 'mesolite-agent');
      // --master zk://…/PATH: join whichever master leads, and move along with the leadership.
      const follower = flags.master.startsWith('zk://')
        ? await MasterFollower.start(flags.master, { logger })
        : undefined;
      // Before anything is sent: a TLS master is verified against the token's CA. The
      // masters of a cluster share that CA, so the one pinned here serves for every leader.
      const joined = await joinMaster(follower?.url ?? flags.master, flags.token).catch(
        async (err: unknown) => {
          await follower?.close();
          throw err;
        },
      );
      const store = GroupCommitStore.wrap(await LevelStore.open(join(flags.workDir, 'store')));
      let following: Agent | undefined;
      // A leader elected after the agent began (even before its first registration).
      follower?.on('leader', (url) => following?.followMaster(url));
      const runtime = await startAgentRuntime({
        masterUrl: follower?.url ?? flags.master,
        workDir: flags.workDir,
        store: store.namespace('agent'),
        logger,
        hostname: flags.hostname ?? flags.ip,
        resources: flags.resources,
        attributes: flags.attributes,
        token: joined.token,
        ...(joined.ca !== undefined ? { socketOptions: { ca: joined.ca } } : {}),
        onRefused: (message) => {
          process.stderr.write(`mesolite agent: the master refused this agent: ${message}\n`);
          process.exit(1);
        },
        onCreated: (agent) => {
          following = agent;
          if (follower) agent.followMaster(follower.url);
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
          .then(() => follower?.close())
          .then(() => server.close())
          .then(() => store.close())
          .then(() => process.exit(0));
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}
