/**
 * Where the page stands among highly available masters, decided from what the masters
 * answer on /mesolite/v1/masters: on the leader, on a follower (whose own master core
 * does not run, so the page must move to the leader), with no leader elected, or on a
 * master that no longer answers. Pure, so the browser's part is only fetching and
 * moving. Mesos's own UI does the same on a follower: it names the leader and
 * redirects to it.
 */
import type { MasterSummary, MastersView } from '../../src/ha/masters-view.js';

export const MASTERS_PATH = '/mesolite/v1/masters';

export type LeaderStanding =
  /** Not yet known (the first answer is on its way). */
  | { kind: 'unknown' }
  /** A master without --zk: nothing to show. */
  | { kind: 'single' }
  | { kind: 'leading'; view: MastersView }
  | { kind: 'following'; view: MastersView; leader: MasterSummary; electedTime: number | null }
  | { kind: 'no-leader'; view: MastersView }
  /**
   * The page's master does not answer. `leader` is the master another one names as
   * leading now, once one does; `tried` are the masters asked.
   */
  | {
      kind: 'unreachable';
      lost: MasterSummary;
      tried: readonly string[];
      leader: MasterSummary | undefined;
    };

/** Where the page stands, from its own master's answer. */
export function standingFromView(
  view: MastersView,
  leaderElectedTime: number | null = null,
): LeaderStanding {
  if (view.leading) return { kind: 'leading', view };
  if (view.leader === null) return { kind: 'no-leader', view };
  return { kind: 'following', view, leader: view.leader, electedTime: leaderElectedTime };
}

/**
 * Whom to ask once the page's master is gone: every other master it knew of, the one it
 * last knew as leader first (a follower's master that died most likely left the
 * leader standing).
 */
export function candidatesAfterLoss(last: MastersView): string[] {
  const others = last.masters
    .map((master) => master.address)
    .filter((address) => address !== last.self.address);
  const leader = last.leader?.address;
  if (leader === undefined || leader === last.self.address || !others.includes(leader)) {
    return others;
  }
  return [leader, ...others.filter((address) => address !== leader)];
}

/**
 * The leader named by the other masters' answers, never the lost master (ZooKeeper
 * names a killed leader until its session expires): a master that says it leads wins
 * over one that names a leader it follows.
 */
export function leaderAfterLoss(
  lost: MasterSummary,
  answers: readonly MastersView[],
): MasterSummary | undefined {
  const leading = answers.find((view) => view.leading && view.self.address !== lost.address);
  if (leading) return leading.self;
  return answers
    .map((view) => view.leader)
    .find((leader): leader is MasterSummary => leader !== null && leader.address !== lost.address);
}

/** The page's own master, or the leader found for it, that the page should move to. */
export function moveTarget(standing: LeaderStanding): MasterSummary | undefined {
  if (standing.kind === 'following') return standing.leader;
  if (standing.kind === 'unreachable') return standing.leader;
  return undefined;
}

export interface PageLocation {
  protocol: string;
  pathname: string;
  search: string;
  hash: string;
}

/** The same page on another master: masters of one cluster serve the same UI and scheme. */
export function sameRouteOn(address: string, page: PageLocation): string {
  return `${page.protocol}//${address}${page.pathname}${page.search}${page.hash}`;
}
