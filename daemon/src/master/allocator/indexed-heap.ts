/**
 * A binary min-heap whose items remember their position, so an item whose key changed
 * is moved in O(log n) instead of re-sorting everything: what lets the allocator pick
 * the lowest share per agent without sorting all frameworks per agent as Mesos does.
 */

/** An item that knows where it sits in the one heap holding it (-1 when in none). */
export interface HeapSlot {
  heapIndex: number;
}

export class IndexedHeap<T extends HeapSlot> {
  private readonly items: T[] = [];
  private readonly less: (a: T, b: T) => boolean;

  /** `less(a, b)`: whether `a` comes before `b`. */
  constructor(less: (a: T, b: T) => boolean) {
    this.less = less;
  }

  get size(): number {
    return this.items.length;
  }

  has(item: T): boolean {
    return item.heapIndex >= 0 && this.items[item.heapIndex] === item;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** The items in heap order (not sorted). */
  values(): readonly T[] {
    return this.items;
  }

  push(item: T): void {
    item.heapIndex = this.items.length;
    this.items.push(item);
    this.siftUp(item);
  }

  remove(item: T): void {
    if (!this.has(item)) return;
    const index = item.heapIndex;
    const last = this.items.pop();
    item.heapIndex = -1;
    if (last === undefined || last === item) return;
    this.items[index] = last;
    last.heapIndex = index;
    this.update(last);
  }

  /** Restores the order after `item`'s key changed. */
  update(item: T): void {
    if (!this.has(item)) return;
    this.siftUp(item);
    this.siftDown(item);
  }

  /** Restores the order after many keys changed at once, in O(n). */
  rebuild(): void {
    for (let index = (this.items.length >> 1) - 1; index >= 0; index--) {
      const item = this.items[index];
      if (item !== undefined) this.siftDown(item);
    }
  }

  /**
   * The first item in heap order that `accept` takes, visiting items best-first: the
   * root, then the smallest of the children of every item rejected so far. Costs
   * O(k log k) for k rejections, O(1) when the best item is accepted, which is the
   * common case. `accept` must not change this heap.
   */
  find(accept: (item: T) => boolean): T | undefined {
    const items = this.items;
    const root = items[0];
    if (root === undefined || accept(root)) return root;
    const frontier = new Frontier<T>(items, this.less);
    frontier.push(1);
    frontier.push(2);
    for (let index = frontier.pop(); index >= 0; index = frontier.pop()) {
      const item = items[index];
      if (item === undefined) continue;
      if (accept(item)) return item;
      frontier.push(2 * index + 1);
      frontier.push(2 * index + 2);
    }
    return undefined;
  }

  private siftUp(item: T): void {
    const items = this.items;
    let index = item.heapIndex;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex];
      if (parent === undefined || !this.less(item, parent)) break;
      items[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }

  private siftDown(item: T): void {
    const items = this.items;
    let index = item.heapIndex;
    for (;;) {
      const leftIndex = 2 * index + 1;
      let childIndex = leftIndex;
      let child = items[leftIndex];
      if (child === undefined) break;
      const right = items[leftIndex + 1];
      if (right !== undefined && this.less(right, child)) {
        childIndex = leftIndex + 1;
        child = right;
      }
      if (!this.less(child, item)) break;
      items[index] = child;
      child.heapIndex = index;
      index = childIndex;
    }
    items[index] = item;
    item.heapIndex = index;
  }
}

/** Positions of a heap's items still to visit, itself kept as a heap by the same order. */
class Frontier<T> {
  private readonly positions: number[] = [];
  private readonly items: readonly T[];
  private readonly less: (a: T, b: T) => boolean;

  constructor(items: readonly T[], less: (a: T, b: T) => boolean) {
    this.items = items;
    this.less = less;
  }

  push(position: number): void {
    const item = this.items[position];
    if (item === undefined) return;
    const positions = this.positions;
    let index = positions.length;
    positions.push(position);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parentPosition = positions[parentIndex] ?? -1;
      const parent = this.items[parentPosition];
      if (parent === undefined || !this.less(item, parent)) break;
      positions[index] = parentPosition;
      index = parentIndex;
    }
    positions[index] = position;
  }

  /** The position of the best item left, or -1 when none is. */
  pop(): number {
    const positions = this.positions;
    const top = positions[0];
    const last = positions.pop();
    if (top === undefined || last === undefined) return -1;
    if (positions.length === 0) return top;
    const item = this.items[last];
    if (item === undefined) return top;
    let index = 0;
    for (;;) {
      const leftIndex = 2 * index + 1;
      let childIndex = leftIndex;
      let childPosition = positions[leftIndex];
      if (childPosition === undefined) break;
      const rightPosition = positions[leftIndex + 1];
      const left = this.items[childPosition];
      const right = rightPosition === undefined ? undefined : this.items[rightPosition];
      let child = left;
      if (
        right !== undefined &&
        rightPosition !== undefined &&
        left !== undefined &&
        this.less(right, left)
      ) {
        childIndex = leftIndex + 1;
        childPosition = rightPosition;
        child = right;
      }
      if (child === undefined || !this.less(child, item)) break;
      positions[index] = childPosition;
      index = childIndex;
    }
    positions[index] = last;
    return top;
  }
}
