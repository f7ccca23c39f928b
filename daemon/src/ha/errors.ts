import { defineError } from '../errors.js';

export const InvalidZooKeeperUrlError = defineError(
  'MESOLITE_ERR_ZK_URL',
  400,
  (url: string, problem: string) =>
    `Invalid ZooKeeper URL ${JSON.stringify(url)}: ${problem}. ` +
    'Write it as zk://HOST:PORT[,HOST:PORT...]/PATH, e.g. zk://10.0.0.1:2181,10.0.0.2:2181/mesolite.',
);

export const ZooKeeperUnavailableError = defineError(
  'MESOLITE_ERR_ZK_UNAVAILABLE',
  503,
  (servers: string, reason: string) =>
    `ZooKeeper at ${servers} cannot be reached (${reason}). Retry once it is back: check ` +
    'that a majority of its servers is running and reachable from this master.',
);

export const ZooKeeperOperationError = defineError(
  'MESOLITE_ERR_ZK_OPERATION',
  500,
  (operation: string, path: string, reason: string) =>
    `ZooKeeper refused ${operation} on ${path}: ${reason}.`,
);

export const ZooKeeperValueTooLargeError = defineError(
  'MESOLITE_ERR_ZK_VALUE_TOO_LARGE',
  413,
  (key: string, bytes: number, limit: number) =>
    `Cannot store the value for key ${JSON.stringify(key)} in ZooKeeper: it is ${bytes} bytes ` +
    `and a znode holds at most ${limit}. Store smaller records (split the value over several keys).`,
);

export const ZooKeeperBatchTooLargeError = defineError(
  'MESOLITE_ERR_ZK_BATCH_TOO_LARGE',
  413,
  (bytes: number, limit: number) =>
    `Cannot write the batch to ZooKeeper: its changes add up to ${bytes} bytes and one ` +
    `ZooKeeper transaction carries at most ${limit}. Write it as several smaller batches.`,
);

export const ZooKeeperContentionError = defineError(
  'MESOLITE_ERR_ZK_CONTENTION',
  409,
  (root: string) =>
    `Another writer kept changing the keys under ${root} while this batch was being applied; ` +
    'nothing was written. Only the leading master should write to the replicated store.',
);

export const NotLeadingError = defineError(
  'MESOLITE_ERR_NOT_LEADING',
  503,
  () =>
    'This master no longer leads, so it refuses to write the replicated state; the write ' +
    'was not applied. Send it to the leading master (GET /master/redirect names it).',
);

export const SteppedDownError = defineError(
  'MESOLITE_ERR_STEPPED_DOWN',
  503,
  (reason: string) => `This master stepped down before it could lead (${reason}).`,
);

export const ClusterSecretError = defineError(
  'MESOLITE_ERR_ZK_CLUSTER_SECRET',
  500,
  (path: string, problem: string) =>
    `The cluster secret in ZooKeeper at ${path} cannot be used: ${problem}. Another program ` +
    'may have written it; remove the znode (every master then makes it again on its next start).',
);

export const ClusterCaMismatchError = defineError(
  'MESOLITE_ERR_ZK_CLUSTER_CA_MISMATCH',
  400,
  (shared: string, own: string) =>
    `This master's certificate chains to the CA with fingerprint ${own}, but the cluster's ` +
    `join token pins ${shared}: agents could not follow this master. Give every master a ` +
    '--tls-cert file that ends with the same root CA, or none at all (the cluster then shares one CA).',
);

export const ClusterSecuredError = defineError(
  'MESOLITE_ERR_ZK_CLUSTER_SECURED',
  400,
  (path: string) =>
    `The masters of this cluster serve HTTPS with authentication (${path} holds their join ` +
    'token), and this one would serve plain HTTP: clients could not tell which to use. Start it ' +
    'with --auth (or a non-loopback --host) as well.',
);

export const NoLeadingMasterError = defineError(
  'MESOLITE_ERR_NO_LEADING_MASTER',
  503,
  (zk: string, timeoutMs: number) =>
    `No master leads under ${zk} (looked for ${timeoutMs / 1000} s). Check that the masters ` +
    'run with this --zk, that ZooKeeper is reachable from here, and that the path is the same.',
);
