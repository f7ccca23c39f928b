import { PortRangeExhaustedError } from './service-port-errors.js';

/** Service ports Marathon assigns from, both ends included (Scala's Range.inclusive). */
export interface ServicePortRange {
  readonly min: number;
  readonly max: number;
}

/** Marathon's --local_port_min and --local_port_max defaults. */
export const DEFAULT_SERVICE_PORT_RANGE: ServicePortRange = { min: 10000, max: 20000 };

export interface AssignServicePortsRequest {
  /** The app's service ports as posted, in port order; 0 asks for one to be assigned. */
  readonly requested: readonly number[];
  /**
   * The service ports the same app had before this change, if it existed. They are
   * handed out first, so an app re-posted with zeros keeps the ports it had.
   */
  readonly previous?: readonly number[];
  /**
   * Service ports of every other app, before and after the change. Assigning ports to
   * several apps in one change: add each app's result here before the next.
   */
  readonly inUse: Iterable<number>;
  readonly range?: ServicePortRange;
}

/**
 * Replaces every 0 in an app's service ports with a free port, as Marathon's
 * AssignDynamicServiceLogic does: first the ports the app had before and no longer
 * names, then the lowest free ports of the range. Ports the app names explicitly are
 * kept as they are, even outside the range. Pure: nothing is reserved; the caller
 * stores the result.
 *
 * @throws {PortRangeExhaustedError} when the range has no free port left.
 */
export function assignServicePorts(request: AssignServicePortsRequest): number[] {
  const range = request.range ?? DEFAULT_SERVICE_PORT_RANGE;
  const previous = request.previous ?? [];
  const named = new Set(request.requested.filter((port) => port !== 0));
  const taken = new Set<number>([...request.inUse, ...named, ...previous]);

  const reusable = [
    ...new Set(
      previous.filter((port) => port >= range.min && port <= range.max && !named.has(port)),
    ),
  ];
  let nextCandidate = range.min;
  const nextFree = (): number => {
    const reused = reusable.shift();
    if (reused !== undefined) return reused;
    while (nextCandidate <= range.max) {
      const candidate = nextCandidate;
      nextCandidate += 1;
      if (!taken.has(candidate)) return candidate;
    }
    throw new PortRangeExhaustedError(range.min, range.max);
  };

  return request.requested.map((port) => (port === 0 ? nextFree() : port));
}
