import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MalformedJoinTokenError } from './errors.js';

/**
 * A join token in k3s's "secure" format, `K10<ca sha256 hex>::<user>:<secret>`: the CA
 * fingerprint lets an agent verify the master before it sends anything, the secret
 * lets the master verify the agent.
 */
export interface JoinToken {
  readonly caFingerprint: string;
  readonly user: string;
  readonly secret: string;
}

const PREFIX = 'K10';
const TOKEN = /^K10([0-9a-f]{64})::([A-Za-z0-9._-]+):([A-Za-z0-9_-]{16,})$/;
export const AGENT_TOKEN_USER = 'agent';

export function formatJoinToken(token: JoinToken): string {
  return `${PREFIX}${token.caFingerprint}::${token.user}:${token.secret}`;
}

export function parseJoinToken(text: string): JoinToken {
  const match = TOKEN.exec(text.trim());
  if (!match) {
    if (!text.trim().startsWith(PREFIX))
      throw new MalformedJoinTokenError('it does not start with K10');
    throw new MalformedJoinTokenError('it is not K10<fingerprint>::<user>:<secret>');
  }
  const [, caFingerprint = '', user = '', secret = ''] = match;
  return { caFingerprint, user, secret };
}

/** A fresh token for `caFingerprint`: 32 random bytes of secret, URL-safe. */
export function newJoinToken(caFingerprint: string, random = randomBytes): JoinToken {
  return { caFingerprint, user: AGENT_TOKEN_USER, secret: random(32).toString('base64url') };
}

/**
 * The master's check of what an agent presented: the whole token, or only its secret,
 * as k3s accepts both. Secrets are compared through their digests so the comparison
 * takes the same time whatever the length or the first wrong byte.
 */
export function joinSecretMatches(presented: string, expected: JoinToken): boolean {
  let secret = presented.trim();
  if (secret.startsWith(PREFIX)) {
    let parsed: JoinToken;
    try {
      parsed = parseJoinToken(secret);
    } catch {
      return false;
    }
    if (parsed.caFingerprint !== expected.caFingerprint) return false;
    secret = parsed.secret;
  }
  return timingSafeEqual(digest(secret), digest(expected.secret));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
