import {
  contenderPath,
  contendersOf,
  decodeMasterInfo,
  encodeMasterInfo,
  masterHostPort,
  standingOf,
} from '@mesolite/daemon/ha/leader-znode';
import { buildMasterInfo } from '@mesolite/daemon/master/master-info';
import { describe, expect, it } from 'vitest';

describe('the leader znodes', () => {
  const children = [
    'json.info_0000000012',
    'log_replicas',
    'json.info_0000000003',
    'store',
    'json.info_0000000007',
  ];

  it('orders the masters by sequence and ignores other children', () => {
    expect(contendersOf(children).map((contender) => contender.sequence)).toEqual([3, 7, 12]);
  });

  it('places a contender under its election path, the root included', () => {
    expect(contenderPath('/mesolite', 'json.info_0000000003')).toBe(
      '/mesolite/json.info_0000000003',
    );
    expect(contenderPath('/', 'json.info_0000000003')).toBe('/json.info_0000000003');
  });

  it('makes the lowest sequence the leader', () => {
    expect(standingOf(children, 'json.info_0000000003')).toEqual({ kind: 'leading' });
  });

  it('has every other master watch only the one just ahead of it', () => {
    expect(standingOf(children, 'json.info_0000000012')).toEqual({
      kind: 'following',
      predecessor: 'json.info_0000000007',
    });
  });

  it('says so when a master’s own znode is gone', () => {
    expect(standingOf(children, 'json.info_0000000005')).toEqual({ kind: 'absent' });
  });

  it('round-trips MasterInfo as Mesos’s JSON and refuses anything else', () => {
    const info = buildMasterInfo('127.0.0.1', 5050, 'master-1');
    expect(JSON.parse(encodeMasterInfo(info).toString('utf8'))).toMatchObject({
      id: 'master-1',
      ip: 16777343,
      port: 5050,
      pid: 'master@127.0.0.1:5050',
      address: { ip: '127.0.0.1', port: 5050 },
    });
    expect(decodeMasterInfo(encodeMasterInfo(info))).toEqual(info);
    expect(decodeMasterInfo(Buffer.from('not json'))).toBeUndefined();
    expect(decodeMasterInfo(Buffer.from('{"id":"x"}'))).toBeUndefined();
  });

  it('addresses a master by hostname, as Mesos’s redirect does, else by its IP', () => {
    expect(masterHostPort({ id: 'm', ip: 16777343, port: 5050, hostname: 'm1.lan' })).toBe(
      'm1.lan:5050',
    );
    expect(masterHostPort({ id: 'm', ip: 16777343, port: 5051 })).toBe('127.0.0.1:5051');
  });
});
