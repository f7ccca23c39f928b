import { type LeaderStanding, sameRouteOn } from './leader-standing';
import { MOVE_AFTER_MS } from './use-leader-standing';

function electedText(seconds: number | null): string {
  return seconds === null ? '' : `, elected ${new Date(seconds * 1000).toLocaleString()}`;
}

/** In the navigation: which master leads, and whether this page is on it. Nothing without --zk. */
export function LeaderChip({ standing }: { standing: LeaderStanding }) {
  switch (standing.kind) {
    case 'leading':
      return (
        <span
          class="leader"
          data-testid="leader"
          data-role="leader"
          data-leader={standing.view.self.address}
          data-elected-time={standing.view.elected_time ?? ''}
          title={standing.view.masters.map((master) => master.address).join(', ')}
        >
          leader {standing.view.self.address} (this master){electedText(standing.view.elected_time)}
        </span>
      );
    case 'following':
      return (
        <span
          class="leader follower"
          data-testid="leader"
          data-role="follower"
          data-leader={standing.leader.address}
          data-elected-time={standing.electedTime ?? ''}
        >
          follower of {standing.leader.address}
          {electedText(standing.electedTime)}
        </span>
      );
    case 'no-leader':
      return (
        <span class="leader follower" data-testid="leader" data-role="no-leader">
          no leading master
        </span>
      );
    default:
      return null;
  }
}

/**
 * Above the page when it is not on the leader: a follower's own state is empty (its
 * master core does not run), so the page names the leader and moves there by itself.
 */
export function LeaderBanner({ standing }: { standing: LeaderStanding }) {
  const seconds = MOVE_AFTER_MS / 1000;
  if (standing.kind === 'following') {
    const href = sameRouteOn(standing.leader.address, location);
    return (
      <div class="leader-banner" role="alert" data-testid="leader-banner">
        This master ({standing.view.self.address}) does not lead: the leading master is{' '}
        <a href={href}>{standing.leader.address}</a>
        {electedText(standing.electedTime)}. Moving there in {seconds} s…
      </div>
    );
  }
  if (standing.kind === 'no-leader') {
    return (
      <div class="leader-banner" role="alert" data-testid="leader-banner">
        No master leads at the moment ({standing.view.self.address} follows none); the masters are
        electing one.
      </div>
    );
  }
  if (standing.kind === 'unreachable') {
    if (standing.leader) {
      const href = sameRouteOn(standing.leader.address, location);
      return (
        <div class="leader-banner" role="alert" data-testid="leader-banner">
          This master ({standing.lost.address}) does not answer; the leading master is now{' '}
          <a href={href}>{standing.leader.address}</a>. Moving there in {seconds} s…
        </div>
      );
    }
    return (
      <div class="leader-banner" role="alert" data-testid="leader-banner">
        This master ({standing.lost.address}) does not answer;{' '}
        {standing.tried.length > 0
          ? `asking the other masters (${standing.tried.join(', ')}) which one leads…`
          : 'no other master is known.'}
      </div>
    );
  }
  return null;
}
