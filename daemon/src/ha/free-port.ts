import { createServer } from 'node:net';

/**
 * A port nothing listens on right now. A contending master has to name its port in
 * ZooKeeper before its server listens, so `--port 0` is settled here, first.
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
