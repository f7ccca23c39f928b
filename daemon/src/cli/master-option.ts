import { Option } from 'commander';

export const DEFAULT_MASTER = 'http://127.0.0.1:5050';

/**
 * The option every client command takes: which daemon to talk to. The environment
 * variable lets a shell session point all commands at one cluster.
 */
export function masterOption(): Option {
  return new Option('--master <url>', 'URL of the mesolite master')
    .env('MESOLITE_MASTER')
    .default(DEFAULT_MASTER);
}

export function masterUrl(raw: string, path: string): URL {
  const base = raw.endsWith('/') ? raw : `${raw}/`;
  return new URL(path.replace(/^\//, ''), base);
}
