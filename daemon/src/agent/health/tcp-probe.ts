/**
 * TCP health checks, as Mesos's `mesos-tcp-connect`: healthy when a connection to
 * host:port can be established; the connection is closed at once.
 */
import { connect } from 'node:net';
import type { ProbeSpec } from './health-check-config.js';
import { defaultHost, type Probe } from './probe.js';

type TcpSpec = Extract<ProbeSpec, { type: 'TCP' }>;

export function tcpProbe(spec: TcpSpec, host: string | undefined): Probe {
  const address = host ?? defaultHost(spec.ipv6);
  return (signal) =>
    new Promise((resolve) => {
      const socket = connect({ host: address, port: spec.port });
      const onAbort = () => {
        socket.destroy();
        resolve({ healthy: false, reason: 'TCP connection attempt abandoned' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => {
        signal.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({ healthy: true });
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        signal.removeEventListener('abort', onAbort);
        resolve({
          healthy: false,
          reason: `TCP connection to ${address}:${spec.port} failed: ${err.code ?? err.message}`,
        });
      });
    });
}
