/**
 * Whether an offer can take an instance of an app, and which resources and ports it
 * gets: the resource filters, then constraints, maintenance windows and scarce GPUs,
 * then the fit. `placeInstances` takes several instances of one app from one offer,
 * each seeing the resources the earlier ones took gone and the earlier ones placed.
 */
import { meetsConstraint } from './constraints.js';
import {
  type Candidate,
  type FeasibilityFilter,
  isMatch,
  type MatcherOptions,
  type MatchResult,
  type ResourceMatch,
  resolveSettings,
} from './feasibility.js';
import type { NoOfferMatchReason } from './no-offer-match-reason.js';
import { acceptedRoles, remainingResources } from './offered-resources.js';
import {
  type PlacedInstance,
  type PlacementOffer,
  type PlacementRequest,
  placedOn,
} from './placement-request.js';
import { fitCandidate, RESOURCE_FILTERS } from './resource-matcher.js';

/** Fails when the offer breaks any of the app's constraints, given the instances placed. */
export const constraintsFilter: FeasibilityFilter = {
  name: 'constraints',
  check: ({ request, offer, placed }) =>
    request.constraints.every((constraint) =>
      meetsConstraint(constraint, offer, placed, { instances: request.instances }),
    )
      ? undefined
      : 'UnfulfilledConstraint',
};

const NANOS_PER_MILLI = 1_000_000;

/**
 * Fails when the agent is in (or, with draining seconds, about to enter) a maintenance
 * window announced in the offer, as Marathon's Availability decides: from `start` minus
 * the draining time until `start + duration`, or for good when there is no duration.
 * Marathon also adds UnfulfilledConstraint here, which makes /v2/queue count such offers
 * as constraint failures; AgentMaintenance alone says what is actually in the way.
 */
export const maintenanceFilter: FeasibilityFilter = {
  name: 'maintenance',
  check: ({ offer, settings }) => {
    const window = offer.unavailability;
    if (!settings.maintenanceMode || window?.start === undefined) return undefined;
    const start = window.start.nanoseconds / NANOS_PER_MILLI;
    const drainingFrom = start - settings.drainingSeconds * 1000;
    if (!(settings.now > drainingFrom)) return undefined;
    const duration = window.duration;
    const over =
      duration !== undefined && settings.now > start + duration.nanoseconds / NANOS_PER_MILLI;
    return over ? undefined : 'AgentMaintenance';
  },
};

/**
 * Fails when the offer has GPUs and the app needs none, unless GPU scheduling is
 * unrestricted: GPU agents are kept for the apps that need them.
 */
export const scarceResourcesFilter: FeasibilityFilter = {
  name: 'scarce-resources',
  check: ({ request, offer, settings }) => {
    const behavior = request.gpuSchedulingBehavior ?? settings.gpuSchedulingBehavior;
    if (behavior !== 'restricted' || request.gpus > 0) return undefined;
    const offersGpus = offer.resources.some(
      (resource) => resource.name === 'gpus' && (resource.scalar?.value ?? 0) > 0,
    );
    return offersGpus ? 'DeclinedScarceResources' : undefined;
  },
};

/** The whole chain, in the order Marathon collects its reasons. */
export const PLACEMENT_FILTERS: readonly FeasibilityFilter[] = [
  ...RESOURCE_FILTERS,
  constraintsFilter,
  maintenanceFilter,
  scarceResourcesFilter,
];

/**
 * One instance of the app against one offer: the resources and host ports to launch it
 * with, or every reason the offer cannot take it.
 */
export function evaluateOffer(
  request: PlacementRequest,
  offer: PlacementOffer,
  placed: readonly PlacedInstance[],
  options: MatcherOptions = {},
): MatchResult {
  const candidate: Candidate = {
    request,
    offer,
    placed,
    roles: acceptedRoles(request),
    settings: resolveSettings(options),
  };
  return fitCandidate(PLACEMENT_FILTERS, candidate);
}

/** One instance placed by `placeInstances`. */
export interface Placement extends ResourceMatch {
  /** The instance as later placements (and later offers) count it for constraints. */
  readonly instance: PlacedInstance;
}

export interface PlacementBatch {
  /** The instances the offer takes, in launch order; at most the number asked for. */
  readonly placements: Placement[];
  /** The offer without what the placements took, for other apps to match. */
  readonly remaining: PlacementOffer;
  /**
   * Why the offer could not take one more instance, when it took fewer than asked for.
   * Marathon counts that last attempt as an unused offer in /v2/queue.
   */
  readonly reasons?: NoOfferMatchReason[];
}

/**
 * Up to `count` instances of the app from one offer. Each instance is matched against
 * what the earlier ones left, with the earlier ones counted as placed on the offer's
 * agent, so that UNIQUE, MAX_PER and GROUP_BY hold within the batch and no port is
 * handed out twice. Stops at the first instance that does not fit.
 */
export function placeInstances(
  request: PlacementRequest,
  offer: PlacementOffer,
  placed: readonly PlacedInstance[],
  count: number,
  options: MatcherOptions = {},
): PlacementBatch {
  // One clock reading and one random source for the whole batch, so that it is judged
  // as a single moment.
  const settings = resolveSettings(options);
  const fixedOptions: MatcherOptions = settings;
  const placements: Placement[] = [];
  const here = placedOn(offer);
  let remaining = offer;
  let alreadyPlaced = placed;
  while (placements.length < count) {
    const result = evaluateOffer(request, remaining, alreadyPlaced, fixedOptions);
    if (!isMatch(result)) return { placements, remaining, reasons: result.reasons };
    placements.push({ ...result, instance: here });
    remaining = {
      ...remaining,
      resources: remainingResources(remaining.resources, result.matched),
    };
    alreadyPlaced = [...alreadyPlaced, here];
  }
  return { placements, remaining };
}
