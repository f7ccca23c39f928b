/**
 * Resource arithmetic the renderers need to report resources as Mesos does: sums that
 * merge like `Resources::operator+=`, scalar totals, and the "endpoint" resource format
 * (`convertResourceFormat(..., ENDPOINT)` in Mesos's src/common/resources_utils.cpp).
 */
import type { Resource } from '../../protocol/mesos.js';

type Range = NonNullable<NonNullable<Resource['ranges']>['range']>[number];
type Reservation = NonNullable<Resource['reservations']>[number];

/**
 * A resource as Mesos's operator endpoints show it: `role` is always set (`"*"` when
 * unreserved) and a single dynamic reservation is repeated in the legacy `reservation`
 * field, so that pre-1.4 tooling keeps working.
 */
export type EndpointResource = Resource & {
  reservation?: { principal?: string; labels?: NonNullable<Reservation['labels']> };
};

/**
 * Mesos keeps scalars in fixed point with three decimals (src/common/values.cpp), so
 * that 0.1 + 0.2 reads 0.3 on every endpoint. Sums here do the same.
 */
export function fixedPoint(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function addScalars(left: number, right: number): number {
  return (Math.round(left * 1000) + Math.round(right * 1000)) / 1000;
}

/** Sorted, with overlapping and adjacent ranges merged, as Mesos's `coalesce` does. */
export function coalesceRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin || a.end - b.end);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.begin <= last.end + 1) {
      last.end = Math.max(last.end, range.end);
    } else {
      merged.push({ begin: range.begin, end: range.end });
    }
  }
  return merged;
}

/** Union in first-seen order without duplicates, as `Value::Set::operator+=` does. */
export function unionItems(left: readonly string[], right: readonly string[]): string[] {
  const result = [...left];
  for (const item of right) {
    if (!result.includes(item)) result.push(item);
  }
  return result;
}

/**
 * Two resources add up into one when Mesos would consider them the same kind: same
 * name and type, same reservation (or role, in the pre-refinement form) and same
 * allocation role. An explicit role of `"*"` is the unreserved default.
 */
function identity(resource: Resource): string {
  const role = resource.role === '*' ? undefined : resource.role;
  return JSON.stringify([
    resource.name,
    resource.type,
    role ?? null,
    resource.allocation_info?.role ?? null,
    resource.reservations ?? [],
  ]);
}

/**
 * The sum of resources with like ones merged (`Resources::sum` in Mesos). Idempotent:
 * a list that is already a sum comes back equal.
 */
export function sumResources(resources: readonly Resource[]): Resource[] {
  const byIdentity = new Map<string, Resource>();
  for (const resource of resources) {
    const key = identity(resource);
    const existing = byIdentity.get(key);
    if (existing === undefined) {
      byIdentity.set(key, copyResource(resource));
      continue;
    }
    if (resource.type === 'SCALAR') {
      existing.scalar = {
        value: addScalars(existing.scalar?.value ?? 0, resource.scalar?.value ?? 0),
      };
    } else if (resource.type === 'RANGES') {
      existing.ranges = {
        range: coalesceRanges([
          ...(existing.ranges?.range ?? []),
          ...(resource.ranges?.range ?? []),
        ]),
      };
    } else {
      existing.set = { item: unionItems(existing.set?.item ?? [], resource.set?.item ?? []) };
    }
  }
  return [...byIdentity.values()];
}

/** A copy whose value parts can be changed without touching the view's objects. */
function copyResource(resource: Resource): Resource {
  const copy: Resource = { ...resource };
  if (resource.scalar !== undefined) copy.scalar = { value: fixedPoint(resource.scalar.value) };
  if (resource.ranges !== undefined) {
    copy.ranges = { range: coalesceRanges(resource.ranges.range ?? []) };
  }
  if (resource.set !== undefined) copy.set = { item: [...(resource.set.item ?? [])] };
  return copy;
}

/** The total of one scalar resource (`Resources::get<Value::Scalar>(name)`). */
export function scalarTotal(resources: readonly Resource[], name: string): number {
  let total = 0;
  for (const resource of resources) {
    if (resource.name === name && resource.type === 'SCALAR') {
      total = addScalars(total, resource.scalar?.value ?? 0);
    }
  }
  return total;
}

/** The role a reserved resource is reserved for, or undefined when it is unreserved. */
export function reservationRole(resource: Resource): string | undefined {
  const reservations = resource.reservations ?? [];
  const last = reservations[reservations.length - 1];
  if (last !== undefined) return last.role ?? '';
  return resource.role === undefined || resource.role === '*' ? undefined : resource.role;
}

/**
 * The endpoint format Mesos answers GET_AGENTS and GET_FRAMEWORKS resources in: the
 * internal (post-refinement) form plus `role`, and `reservation` for a single dynamic
 * reservation. Refined reservations (more than one) carry only `reservations`.
 */
export function toEndpointFormat(resource: Resource): EndpointResource {
  const reservations = resource.reservations ?? [];
  const result: EndpointResource = { ...resource };
  const only = reservations.length === 1 ? reservations[0] : undefined;
  if (reservations.length === 0) {
    result.role = resource.role ?? '*';
  } else if (only !== undefined) {
    result.role = only.role ?? '';
    if (only.type === 'DYNAMIC') {
      const reservation: NonNullable<EndpointResource['reservation']> = {};
      if (only.principal !== undefined) reservation.principal = only.principal;
      if (only.labels !== undefined) reservation.labels = only.labels;
      result.reservation = reservation;
    }
  }
  return result;
}

/** A sum in the endpoint format: what GET_AGENTS and GET_FRAMEWORKS list. */
export function endpointResources(resources: readonly Resource[]): EndpointResource[] {
  return sumResources(resources).map(toEndpointFormat);
}
