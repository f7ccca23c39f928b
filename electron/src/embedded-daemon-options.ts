/**
 * The options of the daemon the shell embeds: what `mesolite up` would run (master,
 * agent and every installed plugin), on the loopback address and port of the URL the
 * launch plan chose.
 */
import { type DaemonOptions, resolveDaemonOptions } from '@mesolite/daemon';
import { isLoopback } from '@mesolite/daemon/config/daemon-options';
import { InsecureBindError } from '@mesolite/daemon/errors';

export interface EmbeddedDaemonInput {
  /** The URL the plan expects the embedded daemon at, e.g. http://127.0.0.1:5050. */
  readonly url: string;
  readonly workDir: string;
  readonly logLevel?: DaemonOptions['logLevel'];
}

export function embeddedDaemonOptions(input: EmbeddedDaemonInput): DaemonOptions {
  const url = new URL(input.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // The shell embeds the one-laptop demo; a LAN master is started with `mesolite up --host`.
  if (!isLoopback(host)) throw new InsecureBindError(host, "the desktop's embedded daemon");
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return resolveDaemonOptions({
    host,
    port,
    workDir: input.workDir,
    agent: true,
    logLevel: input.logLevel ?? 'info',
  });
}
