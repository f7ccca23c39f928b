import { IndexedHeap } from '@mesolite/daemon/master/allocator/indexed-heap';
import { seededRandom } from '@mesolite/daemon/master/allocator/seeded-random';
import { describe, expect, it } from 'vitest';

interface Item {
  key: number;
  heapIndex: number;
}

function heapOf(keys: number[]): { heap: IndexedHeap<Item>; items: Item[] } {
  const heap = new IndexedHeap<Item>((a, b) => a.key < b.key);
  const items = keys.map((key) => ({ key, heapIndex: -1 }));
  for (const item of items) heap.push(item);
  return { heap, items };
}

/** Keys in the order `find` visits them, by rejecting everything. */
function visitOrder(heap: IndexedHeap<Item>): number[] {
  const visited: number[] = [];
  heap.find((item) => {
    visited.push(item.key);
    return false;
  });
  return visited;
}

describe('IndexedHeap', () => {
  it('finds items best-first, so the first accepted is the smallest acceptable', () => {
    const random = seededRandom(9);
    const keys = Array.from({ length: 200 }, () => Math.floor(random() * 1000));
    const { heap } = heapOf(keys);
    expect(visitOrder(heap)).toEqual([...keys].sort((a, b) => a - b));
    expect(heap.find((item) => item.key % 7 === 3)?.key).toBe(
      Math.min(...keys.filter((key) => key % 7 === 3)),
    );
  });

  it('moves an item whose key changed', () => {
    const { heap, items } = heapOf([5, 1, 3]);
    const [five, one] = items;
    if (five === undefined || one === undefined) throw new Error('setup');
    one.key = 10;
    heap.update(one);
    five.key = 0;
    heap.update(five);
    expect(visitOrder(heap)).toEqual([0, 3, 10]);
  });

  it('removes items from anywhere and forgets their position', () => {
    const { heap, items } = heapOf([4, 2, 8, 6, 1]);
    const [, two, eight] = items;
    if (two === undefined || eight === undefined) throw new Error('setup');
    heap.remove(two);
    heap.remove(eight);
    expect(visitOrder(heap)).toEqual([1, 4, 6]);
    expect(heap.has(two)).toBe(false);
    expect(two.heapIndex).toBe(-1);
  });

  it('restores the order after every key changed', () => {
    const { heap, items } = heapOf([1, 2, 3, 4, 5]);
    for (const item of items) item.key = -item.key;
    heap.rebuild();
    expect(visitOrder(heap)).toEqual([-5, -4, -3, -2, -1]);
  });
});
