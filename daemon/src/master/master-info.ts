import { randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import type { MasterInfo } from '../protocol/mesos.js';
import { MESOLITE_VERSION } from './master.js';

/**
 * Mesos writes MasterInfo.ip as the IPv4 address's in_addr read as a little-endian
 * uint32 (127.0.0.1 is 16777343); clients decode it that way, so we encode it so.
 */
export function ipToMesosUint32(ip: string): number {
  if (!isIPv4(ip)) return 0;
  const [a = 0, b = 0, c = 0, d = 0] = ip.split('.').map(Number);
  return ((d << 24) >>> 0) + (c << 16) + (b << 8) + a;
}

export function buildMasterInfo(ip: string, port: number, id: string = randomUUID()): MasterInfo {
  const name = hostname();
  return {
    id,
    ip: ipToMesosUint32(ip),
    port,
    pid: `master@${ip}:${port}`,
    hostname: name,
    version: MESOLITE_VERSION,
    address: { hostname: name, ip, port },
  };
}
