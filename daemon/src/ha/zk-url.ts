import { InvalidZooKeeperUrlError } from './errors.js';

export const DEFAULT_ZOOKEEPER_PORT = 2181;

export interface ZooKeeperServerAddress {
  readonly host: string;
  readonly port: number;
}

/** A parsed `zk://` URL, as Mesos's `--zk` and `--master` flags take it. */
export interface ZooKeeperUrl {
  readonly servers: readonly ZooKeeperServerAddress[];
  /** `host:port,host:port`, what a ZooKeeper client connects to. */
  readonly connectionString: string;
  /** The znode under which masters contend, e.g. `/mesolite`. */
  readonly path: string;
  /** `user:password` for ZooKeeper's digest scheme, as Mesos reads it from the URL. */
  readonly digestCredentials?: string;
}

const SCHEME = 'zk://';
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/;

/**
 * Parses `zk://[user:password@]host:port[,host:port...]/path`. The credentials, when
 * given, are used for ZooKeeper's digest authentication, as Mesos does; the path is
 * where masters contend and defaults to `/` as in Mesos. A port left out is 2181.
 */
export function parseZooKeeperUrl(url: string): ZooKeeperUrl {
  if (typeof url !== 'string' || !url.startsWith(SCHEME)) {
    throw new InvalidZooKeeperUrlError(String(url), 'it must start with zk://');
  }
  const rest = url.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '/' : rest.slice(slash);

  const at = authority.lastIndexOf('@');
  const credentials = at === -1 ? undefined : authority.slice(0, at);
  const hosts = at === -1 ? authority : authority.slice(at + 1);
  if (credentials !== undefined && !/^[^:@]+:[^@]*$/.test(credentials)) {
    throw new InvalidZooKeeperUrlError(url, 'credentials must be written user:password@');
  }
  if (hosts === '') throw new InvalidZooKeeperUrlError(url, 'it names no ZooKeeper server');

  const servers = hosts.split(',').map((server) => parseServer(url, server));
  checkPath(url, path);
  return {
    servers,
    connectionString: servers.map(({ host, port }) => `${host}:${port}`).join(','),
    path,
    ...(credentials === undefined ? {} : { digestCredentials: credentials }),
  };
}

/** The URL again, without credentials, for logs and messages. */
export function formatZooKeeperUrl(url: ZooKeeperUrl): string {
  return `${SCHEME}${url.connectionString}${url.path}`;
}

function parseServer(url: string, server: string): ZooKeeperServerAddress {
  const match = /^(.*?)(?::(\d+))?$/.exec(server);
  const host = match?.[1] ?? '';
  if (host === '' || !HOST.test(host)) {
    throw new InvalidZooKeeperUrlError(url, `${JSON.stringify(server)} is not a host[:port]`);
  }
  const port = match?.[2] === undefined ? DEFAULT_ZOOKEEPER_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidZooKeeperUrlError(url, `port ${match?.[2]} is not between 1 and 65535`);
  }
  return { host, port };
}

function checkPath(url: string, path: string): void {
  if (path === '/') return;
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new InvalidZooKeeperUrlError(
      url,
      `path ${JSON.stringify(path)} must be absolute, without empty, "." or ".." segments or a trailing /`,
    );
  }
  if (hasForbiddenCharacter(path)) {
    throw new InvalidZooKeeperUrlError(
      url,
      'the path contains characters ZooKeeper does not allow',
    );
  }
}

// ZooKeeper refuses control characters, surrogates, private-use and the last code
// points of the basic plane in znode names.
function hasForbiddenCharacter(path: string): boolean {
  for (let index = 0; index < path.length; index += 1) {
    const code = path.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
    if ((code >= 0xd800 && code <= 0xf8ff) || code >= 0xfff0) return true;
  }
  return false;
}
