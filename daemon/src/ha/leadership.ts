import type { MasterInfo } from '../protocol/mesos.js';
import type { LeaderDetector } from './leader-detector.js';
import type { MasterContender } from './master-contender.js';

/** What a master's HTTP layer needs to know about the election, and nothing more. */
export interface Leadership {
  /** Whether this master leads at this moment. */
  isLeader(): boolean;
  /** The leading master (this one while it leads); undefined while none is known. */
  leader(): MasterInfo | undefined;
  /** When this master was elected, in ms since the epoch, while it leads. */
  electedAt(): number | undefined;
}

/**
 * A master's leadership from its own contender and a detector on the same path. The
 * detector may still name this master for a moment after it stepped down (its znode
 * is the lowest until the session ends); that is reported as no leader, never as a
 * leader this master would redirect to itself.
 */
export function electionLeadership(
  contender: MasterContender,
  detector: LeaderDetector,
  self: MasterInfo,
): Leadership {
  return {
    isLeader: () => contender.isLeader,
    leader() {
      if (contender.isLeader) return self;
      const leader = detector.leader;
      return leader && leader.id !== self.id ? leader : undefined;
    },
    electedAt: () => contender.electedAt,
  };
}
