import { mkdir } from 'node:fs/promises';
import type { DaemonOptions } from './config/daemon-options.js';
import { WorkDirError } from './errors.js';
import type { Logger } from './logger.js';
import { buildServer, type MesoliteServer } from './server/app.js';

export interface RunningDaemon {
  /** The base URL the daemon serves, with the port actually bound. */
  readonly url: string;
  readonly server: MesoliteServer;
  stop(): Promise<void>;
}

/**
 * Starts the daemon: prepares the work dir, builds the server and listens. The
 * returned handle owns everything that was started; `stop` releases it all and is
 * safe to call more than once.
 */
export async function startDaemon(options: DaemonOptions, logger: Logger): Promise<RunningDaemon> {
  try {
    await mkdir(options.workDir, { recursive: true });
  } catch (err) {
    throw new WorkDirError(options.workDir, (err as Error).message);
  }

  const server = buildServer({ logger });
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  logger.info({ url, workDir: options.workDir }, 'mesolite daemon listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    server,
    stop() {
      stopping ??= server.close().then(() => logger.info('mesolite daemon stopped'));
      return stopping;
    },
  };
}
