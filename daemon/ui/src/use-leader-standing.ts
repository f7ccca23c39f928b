/**
 * Follows the leading master for the page: asks its own master who leads (now, every
 * few seconds, and whenever the live socket drops), asks the other masters it knew when
 * its own is gone, and moves the page to the leader a moment after it finds itself on
 * a follower, as Mesos's UI does.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MastersView } from '../../src/ha/masters-view';
import {
  candidatesAfterLoss,
  type LeaderStanding,
  leaderAfterLoss,
  MASTERS_PATH,
  moveTarget,
  sameRouteOn,
  standingFromView,
} from './leader-standing';
import type { UiSocket } from './live-socket';

/** How often the page asks who leads: about a failover's time, and cheap. */
const POLL_MS = 2000;
/** Long enough to read the banner, short enough that nobody acts on an empty follower. */
export const MOVE_AFTER_MS = 3000;
/** A master that does not answer in this time counts as gone. */
const ASK_TIMEOUT_MS = 1500;

type OwnAnswer = { kind: 'view'; view: MastersView } | { kind: 'not-ha' } | { kind: 'unreachable' };

async function askOwn(): Promise<OwnAnswer> {
  try {
    const response = await fetch(MASTERS_PATH, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
    });
    // A master without --zk has no such endpoint.
    if (response.status === 404) return { kind: 'not-ha' };
    if (!response.ok) return { kind: 'unreachable' };
    return { kind: 'view', view: (await response.json()) as MastersView };
  } catch {
    return { kind: 'unreachable' };
  }
}

/** Another master's answer, across origins (the endpoint allows it, without credentials). */
async function askOther(address: string): Promise<MastersView | undefined> {
  try {
    const response = await fetch(`${location.protocol}//${address}${MASTERS_PATH}`, {
      credentials: 'omit',
      signal: AbortSignal.timeout(ASK_TIMEOUT_MS),
    });
    return response.ok ? ((await response.json()) as MastersView) : undefined;
  } catch {
    return undefined;
  }
}

export function useLeaderStanding(socket: UiSocket): LeaderStanding {
  const [standing, setStanding] = useState<LeaderStanding>({ kind: 'unknown' });
  // The last answer of the page's own master: who else to ask once it is gone.
  const last = useRef<MastersView | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asking = false;

    const look = async (): Promise<void> => {
      if (asking) return;
      asking = true;
      try {
        const own = await askOwn();
        if (stopped) return;
        if (own.kind === 'not-ha') {
          setStanding({ kind: 'single' });
          return;
        }
        if (own.kind === 'view') {
          last.current = own.view;
          const leader = own.view.leader;
          // Only the leader knows when it was elected.
          const elected =
            !own.view.leading && leader
              ? ((await askOther(leader.address))?.elected_time ?? null)
              : null;
          if (!stopped) setStanding(standingFromView(own.view, elected));
        } else if (last.current) {
          const tried = candidatesAfterLoss(last.current);
          const answers = (await Promise.all(tried.map(askOther))).filter(
            (answer): answer is MastersView => answer !== undefined,
          );
          const lost = last.current.self;
          if (!stopped)
            setStanding({
              kind: 'unreachable',
              lost,
              tried,
              leader: leaderAfterLoss(lost, answers),
            });
        }
        if (!stopped) timer = setTimeout(() => void look(), POLL_MS);
      } finally {
        asking = false;
      }
    };

    const lookNow = () => {
      clearTimeout(timer);
      void look();
    };
    void look();
    socket.on('disconnect', lookNow);
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket.off('disconnect', lookNow);
    };
  }, [socket]);

  const target = moveTarget(standing)?.address;
  useEffect(() => {
    if (target === undefined) return;
    const move = setTimeout(() => location.assign(sameRouteOn(target, location)), MOVE_AFTER_MS);
    return () => clearTimeout(move);
  }, [target]);

  return standing;
}
