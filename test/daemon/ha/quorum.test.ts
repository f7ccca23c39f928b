import { mastersView } from '@mesolite/daemon/ha/masters-view';
import { majorityOf, quorumProblem, quorumStanding } from '@mesolite/daemon/ha/quorum';
import { buildMasterInfo } from '@mesolite/daemon/master/master-info';
import { describe, expect, it } from 'vitest';

describe('the --quorum gate', () => {
  it('lets a lone master recover with the default quorum of 1', () => {
    expect(quorumStanding(1, 1)).toEqual({ met: true, present: 1 });
  });

  it('holds an elected master back until enough masters are present, saying how many are missing', () => {
    expect(quorumStanding(1, 2)).toEqual({ met: false, present: 1, missing: 1 });
    expect(quorumStanding(1, 3)).toEqual({ met: false, present: 1, missing: 2 });
    expect(quorumStanding(2, 2)).toEqual({ met: true, present: 2 });
    expect(quorumStanding(3, 2)).toEqual({ met: true, present: 3 });
  });

  it('takes whole numbers of at least 1 and says why anything else is refused', () => {
    expect(quorumProblem('1')).toBeUndefined();
    expect(quorumProblem('2')).toBeUndefined();
    expect(quorumProblem('0')).toContain('at least 1');
    expect(quorumProblem('-1')).toContain('not a whole number');
    expect(quorumProblem('1.5')).toContain('not a whole number');
    expect(quorumProblem('two')).toContain('not a whole number');
    expect(quorumProblem('')).toContain('not a whole number');
  });

  it('names the majority Mesos asks for', () => {
    expect([1, 2, 3, 4, 5].map(majorityOf)).toEqual([1, 2, 2, 3, 3]);
  });
});

describe('the masters view', () => {
  const info = (port: number) => ({
    ...buildMasterInfo('127.0.0.1', port, `master-${port}`),
    hostname: '127.0.0.1',
  });
  const a = info(5050);
  const b = info(5051);

  it('on the leader: itself as leader, with its elected time in seconds, and every master in order', () => {
    const view = mastersView({
      self: a,
      leading: true,
      leader: a,
      electedAt: 1_700_000_000_500,
      members: [a, b],
      quorum: 2,
    });
    expect(view).toEqual({
      self: { id: 'master-5050', pid: 'master@127.0.0.1:5050', address: '127.0.0.1:5050' },
      leading: true,
      leader: { id: 'master-5050', pid: 'master@127.0.0.1:5050', address: '127.0.0.1:5050' },
      elected_time: 1_700_000_000.5,
      masters: [
        { id: 'master-5050', pid: 'master@127.0.0.1:5050', address: '127.0.0.1:5050' },
        { id: 'master-5051', pid: 'master@127.0.0.1:5051', address: '127.0.0.1:5051' },
      ],
      quorum: { required: 2, present: 2 },
    });
  });

  it('on a follower: the leader it follows, no elected time, and itself among the masters before ZooKeeper listed them', () => {
    const view = mastersView({
      self: b,
      leading: false,
      leader: a,
      electedAt: undefined,
      members: [],
      quorum: 1,
    });
    expect(view.leading).toBe(false);
    expect(view.leader?.address).toBe('127.0.0.1:5050');
    expect(view.elected_time).toBeNull();
    expect(view.masters.map((master) => master.address)).toEqual(['127.0.0.1:5051']);
  });

  it('with no leader elected: leader null', () => {
    const view = mastersView({
      self: b,
      leading: false,
      leader: undefined,
      electedAt: undefined,
      members: [b],
      quorum: 1,
    });
    expect(view.leader).toBeNull();
  });
});
