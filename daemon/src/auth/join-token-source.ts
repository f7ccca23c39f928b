import type { JoinToken } from './join-token.js';
import { readJoinToken, rotateJoinToken } from './join-token-file.js';

/**
 * Where a master keeps the join token: a file in its work dir (one master), or a
 * znode every master of a highly available cluster reads (ha/cluster-join-token.ts).
 */
export interface JoinTokenSource {
  /** The token agents must present now, read afresh so that a rotation made elsewhere counts at once. */
  current(): Promise<JoinToken>;
  /** Replaces the secret; agents already registered keep running, new ones need the new token. */
  rotate(): Promise<JoinToken>;
}

/** The token in WORK_DIR/join-token (see join-token-file.ts). */
export function workDirJoinTokens(workDir: string): JoinTokenSource {
  return {
    current: () => readJoinToken(workDir),
    rotate: () => rotateJoinToken(workDir),
  };
}
