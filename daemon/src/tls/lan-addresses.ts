import { hostname, networkInterfaces } from 'node:os';

/** The names and addresses a server certificate must cover for clients to verify it. */
export interface CertificateSubjects {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * This machine's subjects: its hostname, localhost and every interface address
 * (loopback included, so the CLI on the master's own machine verifies too), plus any
 * address the daemon was asked to listen on.
 */
export function localCertificateSubjects(extra: readonly string[] = []): CertificateSubjects {
  const ips = new Set<string>(['127.0.0.1', '::1']);
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) ips.add(stripZone(entry.address));
  }
  const names = new Set<string>(['localhost', hostname()]);
  for (const value of extra) {
    if (value === '0.0.0.0' || value === '::') continue;
    if (isIpAddress(value)) ips.add(value);
    else names.add(value);
  }
  return { dnsNames: [...names].sort(), ipAddresses: [...ips].sort() };
}

export function isIpAddress(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':');
}

function stripZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}

/** This machine's first LAN address (IPv4, not loopback), for a master bound to 0.0.0.0. */
export function firstLanAddress(): string | undefined {
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) return entry.address;
    }
  }
  return undefined;
}

/**
 * The master's URL as an agent on another machine reaches it: a wildcard listen address
 * names no host, so this machine's LAN address takes its place, as in the join command
 * `mesolite up` prints.
 */
export function reachableOrigin(masterUrl: string, lanAddress = firstLanAddress): string {
  const url = new URL(masterUrl);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') {
    url.hostname = lanAddress() ?? '127.0.0.1';
  }
  return url.origin;
}
