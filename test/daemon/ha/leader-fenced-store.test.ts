import { LeaderFencedStore } from '@mesolite/daemon/ha/leader-fenced-store';
import { MemoryStore } from '@mesolite/daemon/store/memory-store';
import { describe, expect, it } from 'vitest';

describe('the store a leadership term writes through', () => {
  it('writes while the master leads', async () => {
    const inner = new MemoryStore();
    const store = new LeaderFencedStore(inner, () => true);
    await store.namespace('master').put('weights/ops', 2);
    expect(await inner.get('master/weights/ops')).toBe(2);
  });

  it('refuses every write, in every namespace, once the master stops leading', async () => {
    let leading = true;
    const inner = new MemoryStore();
    const store = new LeaderFencedStore(inner, () => leading);
    const master = store.namespace('master');
    leading = false;
    await expect(master.put('weights/ops', 2)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NOT_LEADING',
      statusCode: 503,
    });
    await expect(store.batch([{ type: 'del', key: 'x' }])).rejects.toMatchObject({
      code: 'MESOLITE_ERR_NOT_LEADING',
    });
    expect(await inner.get('master/weights/ops')).toBeUndefined();
  });

  it('still reads after it stops leading, and closing it leaves the store underneath open', async () => {
    const inner = new MemoryStore();
    await inner.put('a', 1);
    const store = new LeaderFencedStore(inner, () => true);
    await store.close();
    expect(await store.get('a')).toBe(1);
    await expect(store.put('a', 2)).rejects.toMatchObject({ code: 'MESOLITE_ERR_NOT_LEADING' });
    await inner.put('a', 3);
    expect(await inner.get('a')).toBe(3);
  });
});
