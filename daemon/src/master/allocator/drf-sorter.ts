/**
 * The two levels of Mesos's hierarchical DRF sorting: roles ordered by weighted dominant
 * share, and within each role its frameworks ("clients") ordered by dominant share. A
 * dominant share is the largest fraction of the cluster's total that an allocation
 * holds of any scalar resource (DRF, Ghodsi et al., NSDI 2011).
 *
 * Mesos re-sorts every role and framework for every agent it visits; here both levels
 * are heaps kept in order as allocations change, so picking the next framework costs
 * O(log n) and a whole round O(agents · log frameworks).
 */
import { type HeapSlot, IndexedHeap } from './indexed-heap.js';

export type Quantities = ReadonlyMap<string, number>;

export interface SortedShare {
  /** The largest fraction of the cluster's total held of any scalar resource. */
  readonly share: number;
  /** Allocated scalar quantities by resource name. */
  readonly allocated: Quantities;
}

export interface SortedRole extends SortedShare {
  readonly name: string;
  readonly weight: number;
  /** `share / weight`: what roles are ordered by. */
  readonly weightedShare: number;
  /** Clients of the role, whether they are in the ordering or not. */
  readonly members: number;
}

class Client implements HeapSlot, SortedShare {
  heapIndex = -1;
  share = 0;
  /** Allocations made so far: Mesos's DRFSorter breaks share ties with it, fewest first. */
  count = 0;
  readonly allocated = new Map<string, number>();

  constructor(
    readonly id: string,
    readonly role: Role,
  ) {}
}

class Role implements HeapSlot, SortedRole {
  heapIndex = -1;
  share = 0;
  weightedShare = 0;
  count = 0;
  members = 0;
  readonly allocated = new Map<string, number>();
  readonly clients = new IndexedHeap<Client>(clientBefore);

  constructor(
    readonly name: string,
    public weight: number,
  ) {}
}

function clientBefore(a: Client, b: Client): boolean {
  if (a.share !== b.share) return a.share < b.share;
  if (a.count !== b.count) return a.count < b.count;
  return a.id < b.id;
}

function roleBefore(a: Role, b: Role): boolean {
  if (a.weightedShare !== b.weightedShare) return a.weightedShare < b.weightedShare;
  if (a.count !== b.count) return a.count < b.count;
  return a.name < b.name;
}

export class DrfSorter {
  private readonly total = new Map<string, number>();
  private readonly clients = new Map<string, Client>();
  private readonly roles = new Map<string, Role>();
  private readonly weights = new Map<string, number>();
  private readonly ordered = new IndexedHeap<Role>(roleBefore);
  /** Set when the cluster's total changed: every share must be computed again. */
  private stale = false;

  has(clientId: string): boolean {
    return this.clients.has(clientId);
  }

  /** Adds a client outside the ordering; {@link activate} puts it in. */
  add(clientId: string, roleName: string): void {
    if (this.clients.has(clientId)) return;
    let role = this.roles.get(roleName);
    if (role === undefined) {
      role = new Role(roleName, this.weights.get(roleName) ?? 1);
      this.roles.set(roleName, role);
    }
    role.members++;
    this.clients.set(clientId, new Client(clientId, role));
  }

  /** Removes a client and what it was allocated from its role. */
  remove(clientId: string): void {
    const client = this.clients.get(clientId);
    if (client === undefined) return;
    this.deactivate(clientId);
    const role = client.role;
    subtractFrom(role.allocated, client.allocated);
    this.clients.delete(clientId);
    role.members--;
    if (role.members === 0) {
      this.ordered.remove(role);
      this.roles.delete(role.name);
    } else {
      this.reshare(role);
    }
  }

  /** Puts a client in the ordering, so that {@link find} considers it. */
  activate(clientId: string): void {
    const client = this.clients.get(clientId);
    if (client === undefined || client.role.clients.has(client)) return;
    client.role.clients.push(client);
    if (!this.ordered.has(client.role)) this.ordered.push(client.role);
  }

  /** Takes a client out of the ordering; its allocation still counts for its role. */
  deactivate(clientId: string): void {
    const client = this.clients.get(clientId);
    if (client === undefined) return;
    const role = client.role;
    role.clients.remove(client);
    if (role.clients.size === 0) this.ordered.remove(role);
  }

  setWeight(roleName: string, weight: number): void {
    this.weights.set(roleName, weight);
    const role = this.roles.get(roleName);
    if (role === undefined) return;
    role.weight = weight;
    this.reshare(role);
  }

  weight(roleName: string): number {
    return this.weights.get(roleName) ?? 1;
  }

  addTotal(quantities: Quantities): void {
    if (quantities.size === 0) return;
    addInto(this.total, quantities);
    this.stale = true;
  }

  removeTotal(quantities: Quantities): void {
    if (quantities.size === 0) return;
    subtractFrom(this.total, quantities);
    this.stale = true;
  }

  totalQuantities(): Quantities {
    return this.total;
  }

  allocated(clientId: string, quantities: Quantities): void {
    const client = this.clients.get(clientId);
    if (client === undefined) return;
    addInto(client.allocated, quantities);
    addInto(client.role.allocated, quantities);
    client.count++;
    client.role.count++;
    this.reshare(client.role, client);
  }

  unallocated(clientId: string, quantities: Quantities): void {
    const client = this.clients.get(clientId);
    if (client === undefined) return;
    subtractFrom(client.allocated, quantities);
    subtractFrom(client.role.allocated, quantities);
    this.reshare(client.role, client);
  }

  /**
   * The first active client, in DRF order, that `accept` takes: roles by weighted share,
   * and within a role its clients by share. `enterRole` is asked once per role visited;
   * when it says no, none of the role's clients are considered. The callbacks must not
   * change this sorter.
   */
  find(
    enterRole: (role: string) => boolean,
    accept: (clientId: string) => boolean,
  ): string | undefined {
    this.refresh();
    let found: Client | undefined;
    this.ordered.find((role) => {
      if (!enterRole(role.name)) return false;
      found = role.clients.find((client) => accept(client.id));
      return found !== undefined;
    });
    return found?.id;
  }

  client(clientId: string): SortedShare | undefined {
    this.refresh();
    return this.clients.get(clientId);
  }

  role(roleName: string): SortedRole | undefined {
    this.refresh();
    return this.roles.get(roleName);
  }

  roleNames(): string[] {
    return [...this.roles.keys()];
  }

  private reshare(role: Role, client?: Client): void {
    if (this.stale) return;
    if (client !== undefined) {
      client.share = this.dominantShare(client.allocated);
      role.clients.update(client);
    }
    role.share = this.dominantShare(role.allocated);
    role.weightedShare = role.share / role.weight;
    this.ordered.update(role);
  }

  /** Computes every share again after the cluster's total changed. */
  private refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    for (const client of this.clients.values()) {
      client.share = this.dominantShare(client.allocated);
    }
    for (const role of this.roles.values()) {
      role.share = this.dominantShare(role.allocated);
      role.weightedShare = role.share / role.weight;
      role.clients.rebuild();
    }
    this.ordered.rebuild();
  }

  private dominantShare(allocated: Quantities): number {
    let share = 0;
    for (const [name, amount] of allocated) {
      const total = this.total.get(name);
      // A resource the cluster has none of cannot dominate anything, as in Mesos's sorter.
      if (total === undefined || total <= 0) continue;
      const fraction = amount / total;
      if (fraction > share) share = fraction;
    }
    return share;
  }
}

/** Thousandths, as Mesos's fixed-point scalars, so sums of offers never drift. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function addInto(target: Map<string, number>, quantities: Quantities): void {
  for (const [name, amount] of quantities)
    target.set(name, round((target.get(name) ?? 0) + amount));
}

function subtractFrom(target: Map<string, number>, quantities: Quantities): void {
  for (const [name, amount] of quantities) {
    const left = round((target.get(name) ?? 0) - amount);
    if (left > 0) target.set(name, left);
    else target.delete(name);
  }
}
