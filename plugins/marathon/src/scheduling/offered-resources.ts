/**
 * Reading an offer's resources the way Marathon's ResourceSelector does (which roles may
 * be used, which disks hold volumes), and taking what a launch consumed out of an offer
 * so that the rest can be matched again.
 */

import { ResourceBag, toMilli, UNRESERVED } from '@mesolite/daemon/master/resources/resource-bag';
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import type { PlacementRequest } from './placement-request.js';

/**
 * The role a resource belongs to: the last reservation's role (reservation refinement),
 * else the older `role` field, else unreserved.
 */
export function roleOf(resource: Resource): string {
  const reservations = resource.reservations;
  const last = reservations?.[reservations.length - 1];
  return last?.role ?? resource.role ?? UNRESERVED;
}

/**
 * The roles an instance may take resources from: the app's acceptedResourceRoles, or
 * Marathon's default (behaviour "any"): unreserved resources and the app's own role.
 */
export function acceptedRoles(request: PlacementRequest): ReadonlySet<string> {
  const given = request.acceptedResourceRoles;
  if (given !== undefined && given.length > 0) return new Set(given);
  return new Set([UNRESERVED, request.role ?? UNRESERVED]);
}

/** The disk fields Mesos may send on a resource; the protocol types leave them out. */
interface DiskFields {
  readonly name: string;
  readonly disk?:
    | {
        readonly source?: unknown;
        readonly volume?: unknown;
        readonly persistence?: unknown;
      }
    | undefined;
}

/** A disk holding a persistent volume is matched by volume matchers or not at all. */
function holdsVolume(resource: DiskFields): boolean {
  return resource.disk?.volume !== undefined || resource.disk?.persistence !== undefined;
}

/**
 * Scratch disk comes from the agent's root disk only: Marathon matches PATH and MOUNT
 * disks (those with a `source`) against persistent volumes, never against `disk`.
 */
function isRootDisk(resource: DiskFields): boolean {
  return resource.disk?.source === undefined;
}

/** Whether an instance may use this resource at all (ResourceSelector.apply). */
export function isSelectable(resource: Resource, roles: ReadonlySet<string>): boolean {
  return roles.has(roleOf(resource)) && !holdsVolume(resource);
}

/** The offered resources of one scalar name that an instance may consume, in offer order. */
export function selectableScalars(
  resources: readonly Resource[],
  name: string,
  roles: ReadonlySet<string>,
): Resource[] {
  return resources.filter(
    (resource) =>
      resource.name === name &&
      resource.type === 'SCALAR' &&
      isSelectable(resource, roles) &&
      (name !== 'disk' || isRootDisk(resource)),
  );
}

/** The sum of a scalar's selectable resources, in Mesos's thousandths. */
export function availableMilli(
  resources: readonly Resource[],
  name: string,
  roles: ReadonlySet<string>,
): number {
  let milli = 0;
  for (const resource of selectableScalars(resources, name, roles)) {
    milli += toMilli(resource.scalar?.value ?? 0);
  }
  return milli;
}

/**
 * What is left of `offered` once `taken` is launched. A taken resource is matched to the
 * offered one it was cut from by everything but its value (name, type, role,
 * reservations, allocation, disk), so resources taken by any matcher can be given back.
 * Offered resources that are used up are dropped, as Mesos drops empty resources.
 */
export function remainingResources(
  offered: readonly Resource[],
  taken: readonly Resource[],
): Resource[] {
  const takenByIdentity = new Map<string, Resource[]>();
  for (const resource of taken) {
    const key = identityOf(resource);
    const list = takenByIdentity.get(key);
    if (list === undefined) takenByIdentity.set(key, [resource]);
    else list.push(resource);
  }
  const out: Resource[] = [];
  for (const resource of offered) {
    const cuts = takenByIdentity.get(identityOf(resource));
    if (cuts === undefined) {
      out.push(resource);
      continue;
    }
    // The first offered resource with an identity absorbs all of its cuts; Mesos never
    // offers two resources with the same identity, it merges them.
    takenByIdentity.delete(identityOf(resource));
    const rest = subtractValue(resource, cuts);
    if (rest !== undefined) out.push(rest);
  }
  return out;
}

function subtractValue(resource: Resource, cuts: readonly Resource[]): Resource | undefined {
  switch (resource.type) {
    case 'SCALAR': {
      let milli = toMilli(resource.scalar?.value ?? 0);
      for (const cut of cuts) milli -= toMilli(cut.scalar?.value ?? 0);
      return milli > 0 ? { ...resource, scalar: { value: milli / 1000 } } : undefined;
    }
    case 'RANGES': {
      const have = rangesBag(resource);
      let left = have;
      for (const cut of cuts) left = left.difference(rangesBag(cut));
      const ranges = left.ranges(RANGES_KEY);
      if (ranges.length === 0) return undefined;
      return { ...resource, ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) } };
    }
    case 'SET': {
      const gone = new Set(cuts.flatMap((cut) => cut.set?.item ?? []));
      const items = (resource.set?.item ?? []).filter((item) => !gone.has(item));
      return items.length > 0 ? { ...resource, set: { item: items } } : undefined;
    }
    default:
      return resource;
  }
}

// Ranges are subtracted inside one resource identity, so the bag needs no real name or role.
const RANGES_KEY = 'ranges';

function rangesBag(resource: Resource): ResourceBag {
  const ranges = (resource.ranges?.range ?? [])
    .filter(isValidRange)
    .map(({ begin, end }) => [begin, end] as const);
  return ranges.length === 0 ? ResourceBag.EMPTY : ResourceBag.of({ [RANGES_KEY]: ranges });
}

function isValidRange(range: { readonly begin: number; readonly end: number }): boolean {
  return (
    Number.isSafeInteger(range.begin) &&
    Number.isSafeInteger(range.end) &&
    range.begin >= 0 &&
    range.begin <= range.end
  );
}

/** Everything about a resource except its value, as a stable string. */
function identityOf(resource: Resource): string {
  const { scalar: _scalar, ranges: _ranges, set: _set, ...identity } = resource;
  return stableStringify(identity);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${stableStringify(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
