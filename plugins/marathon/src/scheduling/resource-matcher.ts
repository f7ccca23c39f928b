/**
 * Matching one instance's resources against an offer, as Marathon's ResourceMatcher
 * does: scalars (cpus, mem, disk, gpus) from the roles the app accepts, then host ports.
 * The filters here name InsufficientCpus, InsufficientMemory, InsufficientGpus,
 * InsufficientDisk and UnfulfilledRole; the fit step picks the resources and the ports,
 * and names InsufficientPorts when the ports cannot be had.
 */

import { toMilli } from '@mesolite/daemon/master/resources/resource-bag';
import type { Resource } from '@mesolite/daemon/protocol/mesos';
import {
  type Candidate,
  type FeasibilityFilter,
  type MatcherOptions,
  type MatchResult,
  resolveSettings,
  runFilters,
} from './feasibility.js';
import type { NoOfferMatchReason } from './no-offer-match-reason.js';
import {
  acceptedRoles,
  availableMilli,
  isSelectable,
  selectableScalars,
} from './offered-resources.js';
import type { PlacementOffer, PlacementRequest } from './placement-request.js';
import { matchPorts } from './ports-matcher.js';

export type ScalarName = 'cpus' | 'mem' | 'disk' | 'gpus';

// Marathon's order (cpus, mem, gpus, then disk), which is the order the reasons of an
// unused offer are listed in.
const SCALARS: ReadonlyArray<readonly [ScalarName, NoOfferMatchReason]> = [
  ['cpus', 'InsufficientCpus'],
  ['mem', 'InsufficientMemory'],
  ['gpus', 'InsufficientGpus'],
  ['disk', 'InsufficientDisk'],
];

/** The amount of a scalar the request needs, in Mesos's thousandths; 0 needs nothing. */
function requiredMilli(request: PlacementRequest, name: ScalarName): number {
  const value = request[name];
  return Number.isFinite(value) && value > 0 ? toMilli(value) : 0;
}

/** A filter that fails when the accepted roles do not offer enough of one scalar. */
export function scalarFilter(name: ScalarName, reason: NoOfferMatchReason): FeasibilityFilter {
  return {
    name,
    check: ({ request, offer, roles }) => {
      const required = requiredMilli(request, name);
      if (required === 0) return undefined;
      return availableMilli(offer.resources, name, roles) < required ? reason : undefined;
    },
  };
}

/**
 * Fails when nothing in the offer carries a role the app accepts: typically an offer of
 * resources reserved for another role, or an app that only accepts a role nobody offers.
 */
export const roleFilter: FeasibilityFilter = {
  name: 'roles',
  check: ({ offer, roles }) =>
    offer.resources.some((resource) => isSelectable(resource, roles))
      ? undefined
      : 'UnfulfilledRole',
};

export const RESOURCE_FILTERS: readonly FeasibilityFilter[] = [
  ...SCALARS.map(([name, reason]) => scalarFilter(name, reason)),
  roleFilter,
];

/**
 * The resources for an instance: each scalar taken from the accepted resources in offer
 * order (a resource partly used keeps its role and reservation), then the ports. Run
 * after the filters, it can only fail on ports; run alone, it names the first scalar
 * that is short.
 */
export function fitResources(candidate: Candidate): MatchResult {
  const { request, offer, roles, settings } = candidate;
  const matched: Resource[] = [];
  for (const [name, reason] of SCALARS) {
    let left = requiredMilli(request, name);
    for (const resource of selectableScalars(offer.resources, name, roles)) {
      if (left <= 0) break;
      const take = Math.min(left, toMilli(resource.scalar?.value ?? 0));
      if (take <= 0) continue;
      matched.push({ ...resource, scalar: { value: take / 1000 } });
      left -= take;
    }
    if (left > 0) return { reasons: [reason] };
  }
  const ports = matchPorts(request, offer.resources, roles, settings.random);
  if (ports === undefined) return { reasons: ['InsufficientPorts'] };
  return { matched: [...matched, ...ports.resources], hostPorts: ports.hostPorts };
}

/**
 * Whether the offer's resources fit one instance, constraints aside: the resources to
 * launch with, or every reason they do not fit.
 */
export function matchResources(
  request: PlacementRequest,
  offer: PlacementOffer,
  options: MatcherOptions = {},
): MatchResult {
  const candidate: Candidate = {
    request,
    offer,
    placed: [],
    roles: acceptedRoles(request),
    settings: resolveSettings(options),
  };
  return fitCandidate(RESOURCE_FILTERS, candidate);
}

/**
 * The filters, then the fit. Ports are chosen only once everything else fits, so
 * InsufficientPorts is reported alone, as Marathon reports it.
 */
export function fitCandidate(
  filters: readonly FeasibilityFilter[],
  candidate: Candidate,
): MatchResult {
  const reasons = runFilters(filters, candidate);
  if (reasons.length > 0) return { reasons };
  return fitResources(candidate);
}
