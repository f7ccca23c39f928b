/**
 * The shape of placement: feasibility filters that each look at one thing (cpus, a role,
 * the constraints, a maintenance window) and name Marathon's reason when the offer fails
 * it, followed by a fit step that picks the actual resources and ports. Filters are
 * plain values, so a chain is an array and each filter is tested on its own.
 */
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import type { NoOfferMatchReason } from './no-offer-match-reason.js';
import type {
  GpuSchedulingBehavior,
  PlacedInstance,
  PlacementOffer,
  PlacementRequest,
} from './placement-request.js';
import type { RandomSource } from './ports-matcher.js';

/** An offer that fits: what to launch with. */
export interface ResourceMatch {
  /** The resources to launch the instance with, cut from the offer's (Mesos JSON). */
  readonly matched: Resource[];
  /** One host port per requested port, in the request's order. */
  readonly hostPorts: number[];
}

/** An offer that does not fit, and every reason why. */
export interface NoMatch {
  readonly reasons: NoOfferMatchReason[];
}

export type MatchResult = ResourceMatch | NoMatch;

export function isMatch(result: MatchResult): result is ResourceMatch {
  return 'matched' in result;
}

/** Settings of the matcher as a whole, which Marathon takes from its command line. */
export interface MatcherOptions {
  /** The clock reading, in milliseconds since the epoch; maintenance windows are judged by it. */
  readonly now?: number | undefined;
  /** Where random port choices come from; Math.random by default. */
  readonly random?: RandomSource | undefined;
  /** Decline offers from agents in a maintenance window (Marathon's default: yes). */
  readonly maintenanceMode?: boolean | undefined;
  /** Start declining this many seconds before a window starts (--draining_seconds, default 0). */
  readonly drainingSeconds?: number | undefined;
  /** Marathon's --gpu_scheduling_behavior; "restricted" by default. */
  readonly gpuSchedulingBehavior?: GpuSchedulingBehavior | undefined;
}

export interface MatcherSettings {
  readonly now: number;
  readonly random: RandomSource;
  readonly maintenanceMode: boolean;
  readonly drainingSeconds: number;
  readonly gpuSchedulingBehavior: GpuSchedulingBehavior;
}

export function resolveSettings(options: MatcherOptions = {}): MatcherSettings {
  return {
    now: options.now ?? Date.now(),
    random: options.random ?? Math.random,
    maintenanceMode: options.maintenanceMode ?? true,
    drainingSeconds: options.drainingSeconds ?? 0,
    gpuSchedulingBehavior: options.gpuSchedulingBehavior ?? 'restricted',
  };
}

/** Everything a filter may look at. */
export interface Candidate {
  readonly request: PlacementRequest;
  readonly offer: PlacementOffer;
  /** The app's instances already placed, as constraints count them. */
  readonly placed: readonly PlacedInstance[];
  /** The resource roles the instance may use. */
  readonly roles: ReadonlySet<string>;
  readonly settings: MatcherSettings;
}

/** One feasibility check: its reason when the offer fails it, undefined when it passes. */
export interface FeasibilityFilter {
  readonly name: string;
  readonly check: (candidate: Candidate) => NoOfferMatchReason | undefined;
}

/**
 * The reasons the candidate fails, one per failing filter, in the chain's order.
 * Every filter runs even after one has failed, as Marathon's ResourceMatcher evaluates
 * every check: the unused offers /v2/queue lists then show all that is wrong with them.
 */
export function runFilters(
  filters: readonly FeasibilityFilter[],
  candidate: Candidate,
): NoOfferMatchReason[] {
  const reasons: NoOfferMatchReason[] = [];
  for (const filter of filters) {
    const reason = filter.check(candidate);
    if (reason !== undefined && !reasons.includes(reason)) reasons.push(reason);
  }
  return reasons;
}
