import { firstLanAddress } from '../tls/lan-addresses.js';

export { firstLanAddress };

/**
 * What `mesolite up|master` prints with auth on: the exact command an agent on another
 * machine runs, and the CA clients trust. `master` is the master's URL (a wildcard
 * listen address is replaced by an address other machines can reach) or, for highly
 * available masters, their zk:// URL, which agents follow to whichever leads.
 */
export function joinInstructions(
  master: string,
  joinToken: string,
  caFile: string | undefined,
  hasLocalAgent: boolean,
  lanAddress: () => string | undefined = firstLanAddress,
): string {
  const lines = [
    `To add ${hasLocalAgent ? 'another' : 'an'} agent, run on that machine:`,
    `  mesolite agent --master ${reachable(master, lanAddress)} --token ${joinToken}`,
  ];
  if (caFile !== undefined) {
    lines.push(`Clients trust ${caFile}: pass --ca-cert ${caFile} or set MESOLITE_CA_CERT.`);
  }
  return lines.join('\n');
}

function reachable(master: string, lanAddress: () => string | undefined): string {
  if (master.startsWith('zk://')) return master;
  const url = new URL(master);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') {
    url.hostname = lanAddress() ?? url.hostname;
  }
  return url.origin;
}
