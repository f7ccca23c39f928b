/**
 * Resources and attributes in the v0 JSON form of Mesos's /master/state and
 * /master/state-summary (`json(JSON::ObjectWriter*, const Resources&)` and
 * `json(JSON::ObjectWriter*, const Attributes&)` in src/common/http.cpp): one key per
 * resource name, scalars as numbers, ranges as `"[a-b, c-d]"` and sets as `"{a, b}"`.
 */
import type { Attribute, Resource } from '../../protocol/mesos.js';
import { addScalars, coalesceRanges, unionItems } from './resource-arithmetic.js';

type Range = NonNullable<NonNullable<Resource['ranges']>['range']>[number];

/**
 * cpus, mem, disk and gpus are always present, as 0 when the resources have none:
 * the web UI and many dashboards read them without checking.
 */
export interface V0Resources {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  [name: string]: number | string;
}

export type V0Attributes = Record<string, number | string>;

/** `stringify(Value::Ranges)`: `[31000-31005, 31010-31010]`; an empty list is `[]`. */
export function formatRanges(ranges: readonly Range[]): string {
  return `[${ranges.map((range) => `${range.begin}-${range.end}`).join(', ')}]`;
}

/** `stringify(Value::Set)`: `{a, b}`. */
export function formatSet(items: readonly string[]): string {
  return `{${items.join(', ')}}`;
}

/**
 * The v0 resource map. Like Mesos, it adds up every resource of a name whatever its
 * role or reservation, scalars in fixed point, ranges coalesced, sets unioned; scalars
 * come first, then ranges, then sets.
 */
export function v0Resources(resources: readonly Resource[]): V0Resources {
  const scalars = new Map<string, number>([
    ['cpus', 0],
    ['mem', 0],
    ['disk', 0],
    ['gpus', 0],
  ]);
  const ranges = new Map<string, Range[]>();
  const sets = new Map<string, string[]>();

  for (const resource of resources) {
    const name = resource.name;
    if (resource.type === 'SCALAR') {
      scalars.set(name, addScalars(scalars.get(name) ?? 0, resource.scalar?.value ?? 0));
    } else if (resource.type === 'RANGES') {
      ranges.set(
        name,
        coalesceRanges([...(ranges.get(name) ?? []), ...(resource.ranges?.range ?? [])]),
      );
    } else {
      sets.set(name, unionItems(sets.get(name) ?? [], resource.set?.item ?? []));
    }
  }

  const result: V0Resources = {
    cpus: scalars.get('cpus') ?? 0,
    mem: scalars.get('mem') ?? 0,
    disk: scalars.get('disk') ?? 0,
    gpus: scalars.get('gpus') ?? 0,
  };
  for (const [name, value] of scalars) result[name] = value;
  for (const [name, value] of ranges) result[name] = formatRanges(value);
  for (const [name, value] of sets) result[name] = formatSet(value);
  return result;
}

/**
 * The v0 attribute map: text as its string, scalars as numbers, ranges and sets in
 * their string form. Ranges are shown as the agent declared them, not coalesced,
 * since Mesos stringifies the attribute's value as is.
 */
export function v0Attributes(attributes: readonly Attribute[] | undefined): V0Attributes {
  const result: V0Attributes = {};
  for (const attribute of attributes ?? []) {
    switch (attribute.type) {
      case 'SCALAR':
        result[attribute.name] = attribute.scalar?.value ?? 0;
        break;
      case 'RANGES':
        result[attribute.name] = formatRanges(attribute.ranges?.range ?? []);
        break;
      case 'SET':
        result[attribute.name] = formatSet(attribute.set?.item ?? []);
        break;
      case 'TEXT':
        result[attribute.name] = attribute.text?.value ?? '';
        break;
    }
  }
  return result;
}
