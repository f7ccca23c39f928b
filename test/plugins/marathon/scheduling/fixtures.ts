/**
 * Offers, attributes and requests for the placement tests. Offers are built as the
 * protocol's own `Offer`, so the tests also check that a real offer fits what placement
 * reads.
 */
import type { Attribute, Offer, Resource } from '@mesolite/daemon/protocol/mesos';
import type {
  PlacedInstance,
  PlacementRequest,
} from '@mesolite/plugin-marathon/scheduling/placement-request';

export function text(name: string, value: string): Attribute {
  return { name, type: 'TEXT', text: { value } };
}

export function scalarAttribute(name: string, value: number): Attribute {
  return { name, type: 'SCALAR', scalar: { value } };
}

export function scalar(name: string, value: number, role?: string): Resource {
  return role === undefined
    ? { name, type: 'SCALAR', scalar: { value } }
    : { name, type: 'SCALAR', scalar: { value }, reservations: [{ type: 'STATIC', role }] };
}

export function ports(ranges: ReadonlyArray<readonly [number, number]>, role?: string): Resource {
  const resource: Resource = {
    name: 'ports',
    type: 'RANGES',
    ranges: { range: ranges.map(([begin, end]) => ({ begin, end })) },
  };
  return role === undefined ? resource : { ...resource, reservations: [{ type: 'STATIC', role }] };
}

export interface OfferSpec {
  hostname?: string;
  agentId?: string;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  ports?: ReadonlyArray<readonly [number, number]>;
  attributes?: Attribute[];
  /** Replaces the resources built from cpus, mem, disk, gpus and ports. */
  resources?: Resource[];
}

let offerCounter = 0;

/** An offer of 4 cpus, 4096 mem, 10000 disk and ports 31000-31099 unless told otherwise. */
export function offer(spec: OfferSpec = {}): Offer {
  offerCounter++;
  const hostname = spec.hostname ?? 'agent-1';
  const resources = spec.resources ?? [
    scalar('cpus', spec.cpus ?? 4),
    scalar('mem', spec.mem ?? 4096),
    scalar('disk', spec.disk ?? 10_000),
    ...(spec.gpus === undefined ? [] : [scalar('gpus', spec.gpus)]),
    ports(spec.ports ?? [[31000, 31099]]),
  ];
  return {
    id: { value: `offer-${offerCounter}` },
    framework_id: { value: 'marathon' },
    agent_id: { value: spec.agentId ?? `id-${hostname}` },
    hostname,
    resources,
    attributes: spec.attributes ?? [],
  };
}

/** One small instance: 1 cpu, 128 mem, no disk, no gpus, no ports, no constraints. */
export function request(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return {
    cpus: 1,
    mem: 128,
    disk: 0,
    gpus: 0,
    ports: [],
    portSource: 'portDefinitions',
    requirePorts: false,
    constraints: [],
    instances: 1,
    ...overrides,
  };
}

export function onHost(hostname: string): PlacedInstance {
  return { hostname, attributes: [] };
}

export function withAttributes(...attributes: Attribute[]): PlacedInstance {
  return { hostname: 'elsewhere', attributes };
}

/** Ports from the lowest offered one up, for tests that name the ports they expect. */
export const lowestFirst = (): number => 0;
