import type { MastersView } from '@mesolite/daemon/ha/masters-view';
import { describe, expect, it } from 'vitest';
import {
  candidatesAfterLoss,
  leaderAfterLoss,
  moveTarget,
  sameRouteOn,
  standingFromView,
} from '../../daemon/ui/src/leader-standing.js';

const master = (port: number) => ({
  id: `m-${port}`,
  pid: `master@127.0.0.1:${port}`,
  address: `127.0.0.1:${port}`,
});
const [a, b, c] = [master(5050), master(5051), master(5052)] as const;

function view(
  self: typeof a,
  leader: typeof a | null,
  fields: Partial<MastersView> = {},
): MastersView {
  return {
    self,
    leading: leader?.id === self.id,
    leader,
    elected_time: leader?.id === self.id ? 1_700_000_000 : null,
    masters: [a, b, c],
    quorum: { required: 1, present: 3 },
    ...fields,
  };
}

describe('where the page stands among the masters', () => {
  it('on the leader: leading, nowhere to move', () => {
    const standing = standingFromView(view(a, a));
    expect(standing.kind).toBe('leading');
    expect(moveTarget(standing)).toBeUndefined();
  });

  it('on a follower: following the leader, with the elected time the leader gave', () => {
    const standing = standingFromView(view(b, a), 1_700_000_000);
    expect(standing).toMatchObject({ kind: 'following', leader: a, electedTime: 1_700_000_000 });
    expect(moveTarget(standing)).toEqual(a);
  });

  it('with no leader elected: stays, and says so', () => {
    const standing = standingFromView(view(b, null));
    expect(standing.kind).toBe('no-leader');
    expect(moveTarget(standing)).toBeUndefined();
  });

  it('once its master is gone: asks the last known leader first, then the others, never the lost one', () => {
    expect(candidatesAfterLoss(view(c, b))).toEqual([b.address, a.address]);
    expect(candidatesAfterLoss(view(a, a))).toEqual([b.address, c.address]);
    expect(candidatesAfterLoss(view(b, null))).toEqual([a.address, c.address]);
  });

  it('takes the master that says it leads, and never the lost master ZooKeeper still names', () => {
    // Right after a kill, the survivors still name the dead leader until its session expires.
    expect(leaderAfterLoss(a, [view(b, a), view(c, a)])).toBeUndefined();
    expect(leaderAfterLoss(a, [view(c, b), view(b, b)])).toEqual(b);
    expect(leaderAfterLoss(a, [view(c, b)])).toEqual(b);
    expect(leaderAfterLoss(a, [])).toBeUndefined();
  });

  it('moves to the same page on the other master', () => {
    expect(
      sameRouteOn('127.0.0.1:5051', {
        protocol: 'http:',
        pathname: '/ui/marathon',
        search: '?x=1',
        hash: '#top',
      }),
    ).toBe('http://127.0.0.1:5051/ui/marathon?x=1#top');
  });
});
