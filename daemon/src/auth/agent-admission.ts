import { pinMasterCertificate } from '../tls/master-pinning.js';
import { JoinTokenRejectedError } from './errors.js';
import { joinSecretMatches, parseJoinToken } from './join-token.js';
import type { JoinTokenSource } from './join-token-source.js';

/**
 * The agent's side, before it registers: parse the token (a malformed one fails here,
 * before any connection) and pin the master's CA from it. The returned CA is what the
 * agent trusts from then on; the token is what it presents when registering.
 */
export async function prepareAgentJoin(
  masterUrl: string,
  tokenText: string,
): Promise<{ readonly ca: string; readonly token: string }> {
  const token = parseJoinToken(tokenText);
  const { ca } = await pinMasterCertificate(masterUrl, token.caFingerprint);
  return { ca, token: tokenText.trim() };
}

/**
 * The master's side, when an agent registers: the token it presented must be the
 * master's now (read afresh, so a rotation takes effect at once).
 */
export async function admitAgent(
  tokens: JoinTokenSource,
  presented: string | undefined,
): Promise<void> {
  const expected = await tokens.current();
  if (presented === undefined || !joinSecretMatches(presented, expected)) {
    throw new JoinTokenRejectedError();
  }
}
