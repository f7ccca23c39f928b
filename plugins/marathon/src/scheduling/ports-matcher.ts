/**
 * Choosing host ports from an offer, as Marathon's PortsMatcher does: fixed ports must be
 * offered, and "any port" requests take ports at random from the offered ranges.
 *
 * Random, because a port freed by one task and handed straight to the next would reach
 * the new task through a load balancer that has not yet noticed the change (Marathon's
 * reasoning). The ports are taken consecutively from a random starting point in the
 * shuffled ranges, which keeps an agent's port ranges from fragmenting.
 */
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import { isSelectable } from './offered-resources.js';
import type { PlacementRequest } from './placement-request.js';

/** The ports chosen for one instance. */
export interface PortsMatch {
  /** One port per requested port, in the request's order. */
  readonly hostPorts: number[];
  /** The chosen ports as Mesos `ports` resources, one per offered resource they came from. */
  readonly resources: Resource[];
}

/** An offered range of ports and the offered resource (its index) it belongs to. */
interface OfferedRange {
  readonly begin: number;
  readonly end: number;
  readonly source: number;
}

/** A source of numbers in [0, 1): Math.random, or a seeded generator in tests. */
export type RandomSource = () => number;

/**
 * Host ports for every port the request asks for, or undefined when the offer cannot
 * provide them all (a fixed port is not offered, or too few ports are).
 */
export function matchPorts(
  request: PlacementRequest,
  resources: readonly Resource[],
  roles: ReadonlySet<string>,
  random: RandomSource,
): PortsMatch | undefined {
  if (request.ports.length === 0) return { hostPorts: [], resources: [] };
  // Without requirePorts, the numbers in portDefinitions are service ports, not host ports:
  // any offered ports will do.
  const wanted = request.ports.map((port) =>
    request.portSource === 'portDefinitions' && !request.requirePorts ? 0 : port.hostPort,
  );
  const offered = offeredRanges(resources, roles);
  const fixed = wanted.filter((port) => port !== 0);
  const fixedSet = new Set(fixed);
  // Two requests for the same fixed port cannot both be met on one agent.
  if (fixedSet.size !== fixed.length) return undefined;

  const dynamic = randomPorts(offered, random);
  const chosen: Array<{ port: number; source: number }> = [];
  for (const port of wanted) {
    if (port === 0) {
      const next = nextFree(dynamic, fixedSet);
      if (next === undefined) return undefined;
      chosen.push(next);
    } else {
      const range = offered.find((candidate) => candidate.begin <= port && port <= candidate.end);
      if (range === undefined) return undefined;
      chosen.push({ port, source: range.source });
    }
  }
  return {
    hostPorts: chosen.map(({ port }) => port),
    resources: portsResources(chosen, resources),
  };
}

function nextFree(
  ports: Iterator<{ port: number; source: number }>,
  taken: ReadonlySet<number>,
): { port: number; source: number } | undefined {
  for (let next = ports.next(); next.done !== true; next = ports.next()) {
    if (!taken.has(next.value.port)) return next.value;
  }
  return undefined;
}

function offeredRanges(resources: readonly Resource[], roles: ReadonlySet<string>): OfferedRange[] {
  const out: OfferedRange[] = [];
  resources.forEach((resource, source) => {
    if (resource.name !== 'ports' || resource.type !== 'RANGES') return;
    if (!isSelectable(resource, roles)) return;
    for (const { begin, end } of resource.ranges?.range ?? []) {
      if (Number.isSafeInteger(begin) && Number.isSafeInteger(end) && begin <= end) {
        out.push({ begin, end, source });
      }
    }
  });
  return out;
}

/** An index in [0, n) from the random source, whatever the source returns. */
function randomIndex(random: RandomSource, n: number): number {
  const index = Math.floor(random() * n);
  return Number.isFinite(index) ? Math.min(n - 1, Math.max(0, index)) : 0;
}

/**
 * Every offered port once, lazily: the ranges shuffled, then read as one sequence from a
 * random position, wrapping around (PortWithRole.lazyRandomPortsFromRanges).
 */
function* randomPorts(
  ranges: readonly OfferedRange[],
  random: RandomSource,
): Generator<{ port: number; source: number }> {
  const total = ranges.reduce((sum, range) => sum + range.end - range.begin + 1, 0);
  if (total === 0) return;
  const shuffled = [...ranges];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    const a = shuffled[i];
    const b = shuffled[j];
    if (a !== undefined && b !== undefined) {
      shuffled[i] = b;
      shuffled[j] = a;
    }
  }
  let skip = randomIndex(random, total);
  let startIndex = 0;
  for (const [index, range] of shuffled.entries()) {
    const size = range.end - range.begin + 1;
    if (skip < size) {
      startIndex = index;
      break;
    }
    skip -= size;
  }
  const start = shuffled[startIndex];
  if (start === undefined) return;
  for (let port = start.begin + skip; port <= start.end; port++)
    yield { port, source: start.source };
  for (const range of [...shuffled.slice(startIndex + 1), ...shuffled.slice(0, startIndex)]) {
    for (let port = range.begin; port <= range.end; port++) yield { port, source: range.source };
  }
  for (let port = start.begin; port < start.begin + skip; port++) {
    yield { port, source: start.source };
  }
}

/**
 * The chosen ports as resources: each keeps the role, reservations and allocation of the
 * offered resource it came from, as Mesos requires of launched resources, with its ports
 * as sorted, coalesced ranges.
 */
function portsResources(
  chosen: ReadonlyArray<{ port: number; source: number }>,
  resources: readonly Resource[],
): Resource[] {
  const bySource = new Map<number, number[]>();
  for (const { port, source } of chosen) {
    const ports = bySource.get(source);
    if (ports === undefined) bySource.set(source, [port]);
    else ports.push(port);
  }
  const out: Resource[] = [];
  for (const [source, ports] of bySource) {
    const offered = resources[source];
    if (offered === undefined) continue;
    out.push({ ...offered, ranges: { range: coalesce(ports) } });
  }
  return out;
}

function coalesce(ports: readonly number[]): Array<{ begin: number; end: number }> {
  const sorted = [...ports].sort((a, b) => a - b);
  const out: Array<{ begin: number; end: number }> = [];
  for (const port of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && port <= last.end + 1) last.end = Math.max(last.end, port);
    else out.push({ begin: port, end: port });
  }
  return out;
}
