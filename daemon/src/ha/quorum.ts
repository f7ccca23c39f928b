/**
 * `--quorum N`, given the meaning Mesos's flag has for its replicated log: a master
 * may not serve the cluster's state until a majority of the masters is there. The
 * state is in ZooKeeper here, which keeps its own quorum, so what N guards is the
 * masters themselves: an elected master finishes recovery only once N of them are
 * present in the election group (one that was started alone, by mistake, against a
 * fresh ZooKeeper path stays at 503 instead of looking like an empty cluster).
 */

/** A lone master works unless the operator asks for more. */
export const DEFAULT_QUORUM = 1;

export type QuorumStanding =
  | { readonly met: true; readonly present: number }
  | { readonly met: false; readonly present: number; readonly missing: number };

/** Whether `present` masters in the election group are enough for `quorum`. */
export function quorumStanding(present: number, quorum: number): QuorumStanding {
  return present >= quorum
    ? { met: true, present }
    : { met: false, present, missing: quorum - present };
}

/** Why a --quorum value is refused, or undefined when it is a whole number of at least 1. */
export function quorumProblem(value: string): string | undefined {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) {
    return `${JSON.stringify(value)} is not a whole number; --quorum is how many masters must be present, e.g. 2 of 3`;
  }
  if (Number(trimmed) < 1) return '--quorum must be at least 1 (1: a master may recover alone)';
  return undefined;
}

/** The smallest majority of `masters`, what Mesos asks --quorum to be. */
export function majorityOf(masters: number): number {
  return Math.floor(masters / 2) + 1;
}
