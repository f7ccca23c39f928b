import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../tls/atomic-write.js';
import { NoJoinTokenError } from './errors.js';
import { formatJoinToken, type JoinToken, newJoinToken, parseJoinToken } from './join-token.js';

/**
 * The master's join token lives in a file of its own, not in the store, so that
 * `mesolite token show --work-dir D` works while the running master holds the store
 * locked (CLARIFICATIONS, issue 9). The master reads it on every check, so a rotation
 * made from another process takes effect at once.
 */
export function joinTokenPath(workDir: string): string {
  return join(workDir, 'join-token');
}

export async function readJoinToken(workDir: string): Promise<JoinToken> {
  let text: string;
  try {
    text = await readFile(joinTokenPath(workDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NoJoinTokenError(workDir);
    throw err;
  }
  return parseJoinToken(text);
}

/**
 * The token for the CA now in use: the stored one, or a new one on first start. When the
 * CA changed (other --tls-cert files), the secret is kept and the fingerprint follows.
 */
export async function ensureJoinToken(workDir: string, caFingerprint: string): Promise<JoinToken> {
  let current: JoinToken | undefined;
  try {
    current = await readJoinToken(workDir);
  } catch (err) {
    if (!(err instanceof NoJoinTokenError)) throw err;
  }
  if (current?.caFingerprint === caFingerprint) return current;
  const next = current ? { ...current, caFingerprint } : newJoinToken(caFingerprint);
  await writeJoinToken(workDir, next);
  return next;
}

/** Replaces the secret; agents already registered keep running, new ones need the new token. */
export async function rotateJoinToken(workDir: string): Promise<JoinToken> {
  const current = await readJoinToken(workDir);
  const next = newJoinToken(current.caFingerprint);
  await writeJoinToken(workDir, next);
  return next;
}

async function writeJoinToken(workDir: string, token: JoinToken): Promise<void> {
  await writeAtomically(joinTokenPath(workDir), `${formatJoinToken(token)}\n`, 0o600);
}
