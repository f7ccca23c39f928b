import { decodeZnodeKey, encodeZnodeKey } from '@mesolite/daemon/ha/znode-key';
import { describe, expect, it } from 'vitest';

describe('store keys as znode names', () => {
  it.each(['apps/zombies', '.', '..', 'a%2Fb', 'tâche 任务 😀', 'x\u0000y', 'plain-name_1'])(
    'maps %j to a legal znode name and back',
    (key) => {
      const name = encodeZnodeKey(key);
      expect(name).toMatch(/^[A-Za-z0-9_%-]+$/);
      expect(decodeZnodeKey(name)).toBe(key);
    },
  );

  it('keeps different keys apart', () => {
    expect(encodeZnodeKey('a/b')).not.toBe(encodeZnodeKey('a%2Fb'));
  });

  it('does not take a name it did not make for a key', () => {
    expect(decodeZnodeKey('json.info_0000000001')).toBeUndefined();
    expect(decodeZnodeKey('%zz')).toBeUndefined();
  });
});
