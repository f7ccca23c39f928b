import { type Command, Option } from 'commander';
import { resolveLeader } from '../ha/resolve-leader.js';

export const DEFAULT_MASTER = 'http://127.0.0.1:5050';

const ZK_SCHEME = 'zk://';

// Options of commands that follow the leader for as long as they run (an agent,
// `plugin run`): their zk:// URL is theirs to watch, not resolved once up front.
const followingOptions = new WeakSet<Option>();

/**
 * The option every client command takes: which daemon to talk to. The environment
 * variable lets a shell session point all commands at one cluster. A `zk://` URL names
 * a highly available cluster: the command talks to whichever master leads when it
 * starts ({@link resolveZooKeeperMaster}).
 */
export function masterOption(): Option {
  return new Option(
    '--master <url>',
    'URL of the mesolite master, or zk://HOST:PORT/PATH for the one that leads',
  )
    .env('MESOLITE_MASTER')
    .default(DEFAULT_MASTER);
}

/** `--master` of a command that follows the leading master itself while it runs. */
export function followingMasterOption(): Option {
  const option = masterOption();
  followingOptions.add(option);
  return option;
}

/**
 * A `preAction` hook for the whole program: a command's `--master zk://…` (or
 * MESOLITE_MASTER) becomes the base URL of the master that leads now, read once
 * through ZooKeeper, so every client command speaks HTTP to one master as before.
 */
export async function resolveZooKeeperMaster(_hooked: Command, action: Command): Promise<void> {
  const option = action.options.find((candidate) => candidate.attributeName() === 'master');
  if (option === undefined || followingOptions.has(option)) return;
  const value: unknown = action.getOptionValue('master');
  if (typeof value !== 'string' || !value.startsWith(ZK_SCHEME)) return;
  const leader = await resolveLeader(value);
  action.setOptionValueWithSource('master', leader.url, action.getOptionValueSource('master'));
  // Every master of the cluster accepts a login any of them signed: kept per cluster too.
  action.setOptionValue('cluster', value);
}

export function masterUrl(raw: string, path: string): URL {
  const base = raw.endsWith('/') ? raw : `${raw}/`;
  return new URL(path.replace(/^\//, ''), base);
}
