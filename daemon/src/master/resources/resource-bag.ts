/**
 * Mesos resources as an immutable value: scalars (cpus, mem, disk, gpus, any name),
 * ranges (ports) and sets, each either unreserved (role "*") or statically reserved for
 * a role. Every operation returns a new bag, so a bag can be shared freely between the
 * agent, the allocator and an offer.
 *
 * Arithmetic follows Mesos's Resources: scalars are fixed point with three decimals
 * (Mesos's convertToFixed), so 0.1 + 0.2 is 0.3 and repeated offers never drift; range
 * sets are kept sorted and coalesced (adjacent ranges merge); empty resources vanish.
 */
import { InvalidResourcesError, ResourcesNotContainedError } from './resource-errors.js';

/** The role of resources that are not reserved for anyone. */
export const UNRESERVED = '*';

/**
 * The subset of mesos.proto v1's `Resource` (its JSON mapping) that a bag reads. Any
 * fuller Resource type is assignable to it; fields a bag does not model (disk info,
 * revocable, shared, reservation principals and labels) are ignored.
 */
export interface MesosResourceLike {
  readonly name: string;
  readonly type: string;
  readonly scalar?: { readonly value: number } | undefined;
  readonly ranges?:
    | {
        readonly range?:
          | ReadonlyArray<{ readonly begin: number; readonly end: number }>
          | undefined;
      }
    | undefined;
  readonly set?: { readonly item?: readonly string[] | undefined } | undefined;
  readonly role?: string | undefined;
  readonly reservations?: ReadonlyArray<{ readonly role?: string | undefined }> | undefined;
}

/** A Resource as a bag writes it, in mesos.proto v1's JSON mapping. */
export interface MesosResourceJson {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET';
  scalar?: { value: number };
  ranges?: { range: Array<{ begin: number; end: number }> };
  set?: { item: string[] };
  role?: string;
  reservations?: Array<{ type: 'STATIC'; role: string }>;
}

export interface ToMesosOptions {
  /**
   * Write reservations the way Mesos writes them to frameworks without the
   * RESERVATION_REFINEMENT capability: a `role` field on every resource ("*" when
   * unreserved) and no `reservations` array.
   */
  preReservationRefinement?: boolean;
}

/** How {@link ResourceBag.of} takes a value: a scalar, `[begin, end]` ranges, or set items. */
export type ResourceValue = number | ReadonlyArray<readonly [number, number]> | readonly string[];

export type ResourceType = 'SCALAR' | 'RANGES' | 'SET';

type Range = readonly [begin: number, end: number];

interface ScalarEntry {
  readonly type: 'SCALAR';
  readonly name: string;
  readonly role: string;
  /** Thousandths: Mesos's fixed point. */
  readonly milli: number;
}

interface RangesEntry {
  readonly type: 'RANGES';
  readonly name: string;
  readonly role: string;
  /** Sorted, coalesced, never empty. */
  readonly ranges: readonly Range[];
}

interface SetEntry {
  readonly type: 'SET';
  readonly name: string;
  readonly role: string;
  /** Sorted, unique, never empty. */
  readonly items: readonly string[];
}

type Entry = ScalarEntry | RangesEntry | SetEntry;

export class ResourceBag {
  static readonly EMPTY: ResourceBag = new ResourceBag(new Map());

  private readonly entries: ReadonlyMap<string, Entry>;
  private readonly hasReservations: boolean;
  private quantityCache: ReadonlyMap<string, number> | undefined;

  private constructor(entries: ReadonlyMap<string, Entry>) {
    this.entries = entries;
    let reserved = false;
    for (const entry of entries.values()) {
      if (entry.role !== UNRESERVED) reserved = true;
    }
    this.hasReservations = reserved;
  }

  /**
   * A bag from plain values, for code and tests:
   * `ResourceBag.of({ cpus: 4, mem: 2048, ports: [[31000, 32000]], zones: ['a'] })`.
   */
  static of(spec: Readonly<Record<string, ResourceValue>>, role: string = UNRESERVED): ResourceBag {
    checkRole(role, `for role "${role}"`);
    let bag = ResourceBag.EMPTY;
    for (const [name, value] of Object.entries(spec)) {
      const where = `"${name}"`;
      checkName(name, where);
      bag = bag.add(ResourceBag.single(name, role, value, where));
    }
    return bag;
  }

  /** Reads Mesos v1 `Resource` objects, checking each as the Mesos master validates them. */
  static fromMesos(resources: Iterable<MesosResourceLike>): ResourceBag {
    let bag = ResourceBag.EMPTY;
    let index = 0;
    for (const resource of resources) {
      const where = `#${index} ("${String(resource.name)}")`;
      checkName(resource.name, where);
      const role = roleOf(resource);
      checkRole(role, where);
      bag = bag.add(ResourceBag.single(resource.name, role, resourceValue(resource, where), where));
      index++;
    }
    return bag;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** Everything in both bags. Throws if a name is a scalar in one and ranges in the other. */
  add(other: ResourceBag): ResourceBag {
    if (other.entries.size === 0) return this;
    if (this.entries.size === 0) return other;
    const out = new Map(this.entries);
    for (const [key, theirs] of other.entries) {
      const mine = out.get(key);
      if (mine === undefined) {
        checkSameType(out, theirs);
        out.set(key, theirs);
      } else {
        out.set(key, addEntries(mine, theirs));
      }
    }
    return new ResourceBag(out);
  }

  /** This bag without `other`; throws MESOLITE_ERR_RESOURCES_NOT_CONTAINED unless it holds all of it. */
  subtract(other: ResourceBag): ResourceBag {
    if (other === this) return ResourceBag.EMPTY;
    if (other.entries.size === 0) return this;
    if (!this.contains(other)) {
      throw new ResourcesNotContainedError(this.toString(), other.toString());
    }
    return this.difference(other);
  }

  /**
   * What is in this bag and not in `other`, never below nothing: the saturating
   * subtraction Mesos's own `Resources -` performs. For an agent whose total shrank
   * below what is allocated on it, `total.difference(allocated)` is what is free.
   */
  difference(other: ResourceBag): ResourceBag {
    if (other === this) return ResourceBag.EMPTY;
    if (other.entries.size === 0 || this.entries.size === 0) return this;
    const out = new Map(this.entries);
    for (const [key, theirs] of other.entries) {
      const mine = out.get(key);
      if (mine === undefined || mine.type !== theirs.type) continue;
      const rest = subtractEntries(mine, theirs);
      if (rest === undefined) out.delete(key);
      else out.set(key, rest);
    }
    return new ResourceBag(out);
  }

  /** Whether every resource of `other` (same name, type and role) is in this bag. */
  contains(other: ResourceBag): boolean {
    if (other === this || other.entries.size === 0) return true;
    for (const [key, theirs] of other.entries) {
      const mine = this.entries.get(key);
      if (mine === undefined || !entryContains(mine, theirs)) return false;
    }
    return true;
  }

  equals(other: ResourceBag): boolean {
    if (other === this) return true;
    if (other.entries.size !== this.entries.size) return false;
    for (const [key, mine] of this.entries) {
      const theirs = other.entries.get(key);
      if (theirs === undefined || !entriesEqual(mine, theirs)) return false;
    }
    return true;
  }

  /**
   * The scalar quantities by name, summed over roles: what Dominant Resource Fairness
   * compares. Ranges and sets are not quantities, as in Mesos's sorter.
   */
  quantities(): ReadonlyMap<string, number> {
    if (this.quantityCache === undefined) {
      const milli = new Map<string, number>();
      for (const entry of this.entries.values()) {
        if (entry.type === 'SCALAR')
          milli.set(entry.name, (milli.get(entry.name) ?? 0) + entry.milli);
      }
      const real = new Map<string, number>();
      for (const [name, value] of milli) real.set(name, value / 1000);
      this.quantityCache = real;
    }
    return this.quantityCache;
  }

  /** A scalar's value summed over roles; 0 when absent. */
  scalar(name: string): number {
    return this.quantities().get(name) ?? 0;
  }

  /** A ranges resource's `[begin, end]` pairs over all roles, sorted and coalesced. */
  ranges(name: string): Array<[number, number]> {
    const all: Range[] = [];
    for (const entry of this.entries.values()) {
      if (entry.type === 'RANGES' && entry.name === name) all.push(...entry.ranges);
    }
    return coalesce(all).map(([begin, end]) => [begin, end]);
  }

  /** A set resource's items over all roles, sorted. */
  set(name: string): string[] {
    const items = new Set<string>();
    for (const entry of this.entries.values()) {
      if (entry.type === 'SET' && entry.name === name)
        for (const item of entry.items) items.add(item);
    }
    return [...items].sort();
  }

  /** The roles that resources in this bag are reserved for, without "*". */
  reservationRoles(): string[] {
    const roles = new Set<string>();
    for (const entry of this.entries.values()) {
      if (entry.role !== UNRESERVED) roles.add(entry.role);
    }
    return [...roles];
  }

  /** Only the resources reserved for nobody. */
  unreserved(): ResourceBag {
    if (!this.hasReservations) return this;
    return this.filter((entry) => entry.role === UNRESERVED);
  }

  /**
   * What a framework in `role` may be offered: unreserved resources and those reserved
   * for the role or one of its ancestors (a reservation for "eng" serves "eng/web"), as
   * Mesos's `allocatableTo` decides.
   */
  allocatableTo(role: string): ResourceBag {
    if (!this.hasReservations) return this;
    return this.filter((entry) => isAllocatableTo(entry.role, role));
  }

  /**
   * The bag as Mesos v1 `Resource` objects. Reserved resources carry a STATIC
   * reservation in `reservations`, unless `preReservationRefinement` asks for the
   * older `role` field.
   */
  toMesos(options: ToMesosOptions = {}): MesosResourceJson[] {
    const out: MesosResourceJson[] = [];
    for (const entry of this.entries.values()) {
      const resource: MesosResourceJson = { name: entry.name, type: entry.type };
      if (entry.type === 'SCALAR') resource.scalar = { value: entry.milli / 1000 };
      else if (entry.type === 'RANGES') {
        resource.ranges = { range: entry.ranges.map(([begin, end]) => ({ begin, end })) };
      } else resource.set = { item: [...entry.items] };
      if (options.preReservationRefinement) resource.role = entry.role;
      else if (entry.role !== UNRESERVED) {
        resource.reservations = [{ type: 'STATIC', role: entry.role }];
      }
      out.push(resource);
    }
    return out;
  }

  /** Mesos's text form, which parseResources reads back: `cpus:4; mem:2048; ports:[31000-32000]`. */
  toString(): string {
    const parts: string[] = [];
    for (const entry of this.entries.values()) {
      const head = entry.role === UNRESERVED ? entry.name : `${entry.name}(${entry.role})`;
      parts.push(`${head}:${formatValue(entry)}`);
    }
    return parts.join('; ');
  }

  /** A bag inside a JSON response is written as its Resource objects. */
  toJSON(): MesosResourceJson[] {
    return this.toMesos();
  }

  private filter(keep: (entry: Entry) => boolean): ResourceBag {
    const out = new Map<string, Entry>();
    for (const [key, entry] of this.entries) if (keep(entry)) out.set(key, entry);
    return out.size === this.entries.size ? this : new ResourceBag(out);
  }

  /** One resource, checked; empty ones (0, [], {}) make an empty bag, as Mesos drops them. */
  private static single(
    name: string,
    role: string,
    value: ResourceValue,
    where: string,
  ): ResourceBag {
    const entry = toEntry(name, role, value, where);
    if (isEmptyEntry(entry)) return ResourceBag.EMPTY;
    return new ResourceBag(new Map([[keyOf(entry), entry]]));
  }
}

/** Whether resources reserved for `reservation` may be offered to a framework in `role`. */
export function isAllocatableTo(reservation: string, role: string): boolean {
  return (
    reservation === UNRESERVED ||
    reservation === role ||
    (role.startsWith(reservation) && role.charAt(reservation.length) === '/')
  );
}

/** Fixed point with three decimals, as Mesos stores scalars: a value becomes whole thousandths. */
export function toMilli(value: number): number {
  return Math.round(value * 1000);
}

function keyOf(entry: Entry): string {
  return entry.role === UNRESERVED ? entry.name : `${entry.name}\u0000${entry.role}`;
}

function toEntry(name: string, role: string, value: ResourceValue, where: string): Entry {
  if (typeof value === 'number') {
    checkScalar(value, where);
    return { type: 'SCALAR', name, role, milli: toMilli(value) };
  }
  if (isRangeList(value)) {
    for (const [begin, end] of value) checkRange(begin, end, where);
    return { type: 'RANGES', name, role, ranges: coalesce(value) };
  }
  for (const item of value) {
    if (typeof item !== 'string')
      throw new InvalidResourcesError(where, 'a set holds strings only');
  }
  return { type: 'SET', name, role, items: [...new Set(value)].sort() };
}

function isRangeList(
  value: ReadonlyArray<readonly [number, number]> | readonly string[],
): value is ReadonlyArray<readonly [number, number]> {
  return value.length > 0 && Array.isArray(value[0]);
}

function roleOf(resource: MesosResourceLike): string {
  // Since reservation refinement, the last reservation in the stack owns the resource.
  const reservations = resource.reservations;
  if (reservations !== undefined && reservations.length > 0) {
    return reservations[reservations.length - 1]?.role ?? UNRESERVED;
  }
  return resource.role ?? UNRESERVED;
}

function resourceValue(resource: MesosResourceLike, where: string): ResourceValue {
  switch (resource.type) {
    case 'SCALAR': {
      if (resource.scalar === undefined || typeof resource.scalar.value !== 'number') {
        throw new InvalidResourcesError(where, 'a SCALAR resource needs scalar.value');
      }
      return resource.scalar.value;
    }
    case 'RANGES': {
      if (resource.ranges === undefined) {
        throw new InvalidResourcesError(where, 'a RANGES resource needs ranges.range');
      }
      return (resource.ranges.range ?? []).map(({ begin, end }) => [begin, end] as const);
    }
    case 'SET': {
      if (resource.set === undefined) {
        throw new InvalidResourcesError(where, 'a SET resource needs set.item');
      }
      return resource.set.item ?? [];
    }
    default:
      throw new InvalidResourcesError(
        where,
        `type ${JSON.stringify(resource.type)} is not SCALAR, RANGES or SET`,
      );
  }
}

function checkName(name: unknown, where: string): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidResourcesError(where, 'a resource needs a name');
  }
}

function checkRole(role: string, where: string): void {
  const problem = roleProblem(role);
  if (problem !== undefined) throw new InvalidResourcesError(where, problem);
}

/** What is wrong with a role name by Mesos's rules (roles::validate), or undefined. */
export function roleProblem(role: string): string | undefined {
  if (role === UNRESERVED) return undefined;
  if (role === '') return 'a role cannot be empty';
  if (/\s/.test(role)) return `role "${role}" contains whitespace`;
  for (const part of role.split('/')) {
    if (part === '' || part === '.' || part === '..' || part === UNRESERVED) {
      return `role "${role}" has an empty, ".", ".." or "*" part`;
    }
    if (part.startsWith('-')) return `role "${role}" has a part starting with "-"`;
  }
  return undefined;
}

function checkScalar(value: number, where: string): void {
  if (!Number.isFinite(value)) {
    throw new InvalidResourcesError(where, `${value} is not a finite number`);
  }
  if (value < 0) throw new InvalidResourcesError(where, `${value} is negative`);
}

function checkRange(begin: number, end: number, where: string): void {
  if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < 0) {
    throw new InvalidResourcesError(
      where,
      `range ${begin}-${end} must be made of whole numbers from 0 up`,
    );
  }
  if (begin > end)
    throw new InvalidResourcesError(where, `range ${begin}-${end} ends before it begins`);
}

function checkSameType(entries: ReadonlyMap<string, Entry>, added: Entry): void {
  for (const entry of entries.values()) {
    if (entry.name === added.name && entry.type !== added.type) {
      throw new InvalidResourcesError(
        `"${added.name}"`,
        `it is ${entry.type} in one place and ${added.type} in another; a resource name has one type`,
      );
    }
  }
}

function isEmptyEntry(entry: Entry): boolean {
  if (entry.type === 'SCALAR') return entry.milli <= 0;
  if (entry.type === 'RANGES') return entry.ranges.length === 0;
  return entry.items.length === 0;
}

function addEntries(mine: Entry, theirs: Entry): Entry {
  if (mine.type === 'SCALAR' && theirs.type === 'SCALAR') {
    return { ...mine, milli: mine.milli + theirs.milli };
  }
  if (mine.type === 'RANGES' && theirs.type === 'RANGES') {
    return { ...mine, ranges: coalesce([...mine.ranges, ...theirs.ranges]) };
  }
  if (mine.type === 'SET' && theirs.type === 'SET') {
    return { ...mine, items: [...new Set([...mine.items, ...theirs.items])].sort() };
  }
  throw new InvalidResourcesError(
    `"${mine.name}"`,
    `it is ${mine.type} in one place and ${theirs.type} in another; a resource name has one type`,
  );
}

/** `mine` without `theirs` (same type), or undefined when nothing is left. */
function subtractEntries(mine: Entry, theirs: Entry): Entry | undefined {
  if (mine.type === 'SCALAR' && theirs.type === 'SCALAR') {
    const milli = mine.milli - theirs.milli;
    return milli > 0 ? { ...mine, milli } : undefined;
  }
  if (mine.type === 'RANGES' && theirs.type === 'RANGES') {
    const ranges = subtractRanges(mine.ranges, theirs.ranges);
    return ranges.length > 0 ? { ...mine, ranges } : undefined;
  }
  if (mine.type === 'SET' && theirs.type === 'SET') {
    const taken = new Set(theirs.items);
    const items = mine.items.filter((item) => !taken.has(item));
    return items.length > 0 ? { ...mine, items } : undefined;
  }
  return mine;
}

function entryContains(mine: Entry, theirs: Entry): boolean {
  if (mine.type === 'SCALAR' && theirs.type === 'SCALAR') return theirs.milli <= mine.milli;
  if (mine.type === 'RANGES' && theirs.type === 'RANGES') {
    return rangesContain(mine.ranges, theirs.ranges);
  }
  if (mine.type === 'SET' && theirs.type === 'SET') {
    const have = new Set(mine.items);
    return theirs.items.every((item) => have.has(item));
  }
  return false;
}

function entriesEqual(mine: Entry, theirs: Entry): boolean {
  if (mine.type === 'SCALAR' && theirs.type === 'SCALAR') return mine.milli === theirs.milli;
  if (mine.type === 'RANGES' && theirs.type === 'RANGES') {
    return (
      mine.ranges.length === theirs.ranges.length &&
      mine.ranges.every(
        ([begin, end], i) => theirs.ranges[i]?.[0] === begin && theirs.ranges[i]?.[1] === end,
      )
    );
  }
  if (mine.type === 'SET' && theirs.type === 'SET') {
    return (
      mine.items.length === theirs.items.length &&
      mine.items.every((item, i) => theirs.items[i] === item)
    );
  }
  return false;
}

/** Sorts ranges and merges those that overlap or touch: [1-3] and [4-5] are [1-5], as in Mesos. */
function coalesce(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let begin = -1;
  let end = -2;
  for (const [b, e] of sorted) {
    if (b <= end + 1) {
      if (e > end) end = e;
    } else {
      if (begin >= 0) out.push([begin, end]);
      begin = b;
      end = e;
    }
  }
  if (begin >= 0) out.push([begin, end]);
  return out;
}

/** Both lists are coalesced, so a contiguous range is contained only within a single range. */
function rangesContain(have: readonly Range[], wanted: readonly Range[]): boolean {
  let i = 0;
  for (const [begin, end] of wanted) {
    let range = have[i];
    while (range !== undefined && range[1] < begin) {
      i++;
      range = have[i];
    }
    if (range === undefined || range[0] > begin || range[1] < end) return false;
  }
  return true;
}

function subtractRanges(have: readonly Range[], cuts: readonly Range[]): Range[] {
  const out: Range[] = [];
  let j = 0;
  for (const [rangeBegin, end] of have) {
    let begin = rangeBegin;
    let cut = cuts[j];
    while (cut !== undefined && cut[1] < begin) {
      j++;
      cut = cuts[j];
    }
    while (cut !== undefined && cut[0] <= end) {
      if (cut[0] > begin) out.push([begin, cut[0] - 1]);
      if (cut[1] + 1 > begin) begin = cut[1] + 1;
      // A cut that runs past this range may cut into the next one too: keep it.
      if (cut[1] >= end) break;
      j++;
      cut = cuts[j];
    }
    if (begin <= end) out.push([begin, end]);
  }
  return out;
}

function formatValue(entry: Entry): string {
  if (entry.type === 'SCALAR') return String(entry.milli / 1000);
  if (entry.type === 'RANGES') {
    return `[${entry.ranges.map(([begin, end]) => `${begin}-${end}`).join(', ')}]`;
  }
  return `{${entry.items.join(', ')}}`;
}
