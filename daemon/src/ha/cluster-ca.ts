import { createPrivateKey, X509Certificate } from 'node:crypto';
import type zookeeper from 'node-zookeeper-client';
import { Type } from 'typebox';
import { validator } from '../protocol/validate.js';
import {
  type CertificateAndKey,
  createCertificateAuthority,
} from '../tls/certificate-authority.js';
import { claimZnode, clusterZnodes } from './cluster-znodes.js';
import { ClusterSecretError } from './errors.js';
import type { ZooKeeperConnection } from './zookeeper-connection.js';

const StoredCaSchema = Type.Object({ cert: Type.String(), key: Type.String() });
const storedCa = validator(StoredCaSchema, 'the cluster CA');

/**
 * The CA of a highly available cluster: created by the first master to start and
 * published at PATH/tls/ca, create-if-absent, so that however many masters start at
 * once they all sign their server certificates with the same one, and a join token
 * (which pins a CA) is good for whichever master leads.
 */
export async function claimClusterCa(
  connection: ZooKeeperConnection,
  zkPath: string,
  acls: zookeeper.ACL[],
  now: () => Date = () => new Date(),
): Promise<CertificateAndKey> {
  const path = clusterZnodes(zkPath).ca;
  const data = await claimZnode(
    connection,
    path,
    async () =>
      Buffer.from(
        JSON.stringify(await createCertificateAuthority('mesolite cluster CA', now())),
        'utf8',
      ),
    acls,
  );
  let ca: CertificateAndKey;
  try {
    ca = storedCa.parse(JSON.parse(data.toString('utf8')));
    if (!new X509Certificate(ca.cert).checkPrivateKey(createPrivateKey(ca.key))) {
      throw new Error('the key does not belong to the certificate');
    }
  } catch (err) {
    throw new ClusterSecretError(path, (err as Error).message);
  }
  return ca;
}
