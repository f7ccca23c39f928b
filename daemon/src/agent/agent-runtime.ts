/**
 * Builds an Agent with the real parts around it: the process and Docker
 * containerizers, the fetcher and its cache, Mesos-native health checks, sandboxes
 * under the work dir with their garbage collector, and the files registry that
 * serves sandboxes over HTTP. Used by `mesolite up` (next to the master) and by
 * `mesolite agent` (on another machine).
 */
import { hostname as machineHostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { joinTokenAuthorization } from '../auth/agent-credential.js';
import type { Store } from '../store/store.js';
import { Agent } from './agent.js';
import { DockerContainerizer } from './docker/docker-containerizer.js';
import { DockerImages } from './docker/docker-images.js';
import { fetchUris } from './fetcher/fetcher.js';
import { FilesRegistry } from './files/files-registry.js';
import { localFilesSource } from './files/files-source.js';
import { OwnerNames } from './files/owner-names.js';
import { attachSandbox, type SandboxAttachment } from './files/sandbox-attachment.js';
import { startHealthCheck } from './health/health-checker.js';
import { ProcessContainerizer } from './process/process-containerizer.js';
import { detectAgentResources } from './resources/agent-resources.js';
import { parseAttributes } from './resources/parse-attributes.js';
import { createSandbox } from './sandbox/create-sandbox.js';
import { DEFAULT_GC_DELAY_MS, SandboxGc } from './sandbox/sandbox-gc.js';

export interface AgentRuntimeOptions {
  masterUrl: string;
  workDir: string;
  store: Store;
  logger: Logger;
  /** What Marathon reports as a task's host; the machine's hostname by default. */
  hostname?: string | undefined;
  /** Mesos's --resources syntax; measured from the machine where absent. */
  resources?: string | undefined;
  /** Mesos's --attributes syntax, e.g. "rack:a;zone:lab". */
  attributes?: string | undefined;
  token?: string | undefined;
  gcDelayMs?: number | undefined;
  /** The registry the files endpoints already serve from; a new one if absent. */
  files?: FilesRegistry | undefined;
  onRefused?: ((message: string) => void) | undefined;
  /** socket.io client options for the master connection, e.g. `{ ca }` pinned from a join token. */
  socketOptions?: Record<string, unknown> | undefined;
  /**
   * Other URLs of the same master: the local agent of a master bound to 0.0.0.0 joins on
   * loopback, while the master names itself by its LAN address in artifact URIs.
   */
  masterAliases?: readonly string[] | undefined;
  /**
   * Given the agent before it starts: an agent following ZooKeeper must be able to move
   * to a new leader while it still waits for its first registration.
   */
  onCreated?: ((agent: Agent) => void) | undefined;
}

export interface AgentRuntime {
  readonly agent: Agent;
  /** Sandboxes by virtual path, for the files endpoints. */
  readonly files: FilesRegistry;
  /** Disconnects; tasks keep running and are re-attached by the next start. */
  stop(): Promise<void>;
}

export async function startAgentRuntime(options: AgentRuntimeOptions): Promise<AgentRuntime> {
  const logger = options.logger;
  const processContainerizer = new ProcessContainerizer({
    logger: logger.child({ containerizer: 'process' }),
  });
  const dockerContainerizer = new DockerContainerizer({
    logger: logger.child({ containerizer: 'docker' }),
    pullTimeoutMs: 60_000,
  });
  const limits = await processContainerizer.limitsSupport();
  if (limits.enforced) logger.info({ cgroups: limits.version }, limits.reason);
  else logger.warn(limits.reason);

  const resources = await detectAgentResources({
    workDir: options.workDir,
    resources: options.resources,
  });
  const attributes = options.attributes ? parseAttributes(options.attributes) : [];
  const files = options.files ?? new FilesRegistry();
  const attachments = new Map<string, SandboxAttachment>();
  const gc = new SandboxGc({
    workDir: options.workDir,
    delayMs: options.gcDelayMs ?? DEFAULT_GC_DELAY_MS,
    logger,
    onRemoved: (path) => {
      attachments.get(path)?.detach();
      attachments.delete(path);
    },
  });
  const cacheDir = join(options.workDir, 'fetcher-cache');
  const masterCa = options.socketOptions?.ca as string | undefined;
  const token = options.token;
  const masterCredential =
    token === undefined
      ? undefined
      : {
          masterUrls: () => [agent.masterUrl, ...(options.masterAliases ?? [])],
          authorization: joinTokenAuthorization(token),
        };

  const agent = new Agent({
    masterUrl: options.masterUrl,
    store: options.store,
    logger,
    hostname: options.hostname ?? machineHostname(),
    resources: resources.resources,
    attributes,
    token: options.token,
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
    ...(options.socketOptions ? { socketOptions: options.socketOptions } : {}),
    dependencies: {
      containerizers: { process: processContainerizer, docker: dockerContainerizer },
      createSandbox: (ids) => createSandbox(options.workDir, ids),
      attachSandbox: (ids, path) => {
        attachments.set(path, attachSandbox(files, ids, path));
      },
      scheduleSandboxGc: (path) => {
        gc.schedule(path).catch((err: unknown) =>
          logger.warn({ err, path }, 'could not schedule sandbox GC'),
        );
      },
      fetchUris: async (uris, sandbox, signal) => {
        await fetchUris(uris, sandbox, {
          cacheDir,
          logger,
          signal,
          // The master's CA pinned from the join token, and the token for its artifacts.
          ca: masterCa === undefined ? undefined : [masterCa],
          masterCredential,
        });
      },
      startHealthCheck: (check) => startHealthCheck({ ...check, logger }),
      files: localFilesSource(files, new OwnerNames()),
      images: new DockerImages({ logger, ca: masterCa }),
    },
  });
  options.onCreated?.(agent);
  await agent.start();
  // Sandboxes of tasks this agent still knows stay; the rest follow the GC delay.
  const live = new Set(agent.reportedTasks().map((task) => task.task_id.value));
  await gc.recover((_path, ids) => live.has(ids.executorId));
  return {
    agent,
    files,
    async stop() {
      await agent.stop();
      await dockerContainerizer.close();
      await gc.close();
    },
  };
}
