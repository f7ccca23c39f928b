import { networkInterfaces } from 'node:os';

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
 * What `mesolite up|master` prints with auth on: the exact command an agent on another
 * machine runs, and the CA clients trust. A wildcard listen address is replaced by an
 * address other machines can reach.
 */
export function joinInstructions(
  url: string,
  joinToken: string,
  caFile: string | undefined,
  hasLocalAgent: boolean,
  lanAddress: () => string | undefined = firstLanAddress,
): string {
  const master = new URL(url);
  if (master.hostname === '0.0.0.0' || master.hostname === '[::]') {
    master.hostname = lanAddress() ?? master.hostname;
  }
  const lines = [
    `To add ${hasLocalAgent ? 'another' : 'an'} agent, run on that machine:`,
    `  mesolite agent --master ${master.origin} --token ${joinToken}`,
  ];
  if (caFile !== undefined) {
    lines.push(`Clients trust ${caFile}: pass --ca-cert ${caFile} or set MESOLITE_CA_CERT.`);
  }
  return lines.join('\n');
}
