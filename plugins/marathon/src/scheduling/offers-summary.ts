/**
 * The offer statistics /v2/queue reports for an app that is launching
 * (`processedOffersSummary` and, with embed=lastUnusedOffers, `lastUnusedOffers`), kept
 * as Marathon keeps them (OfferMatchStatistics, LaunchStats, QueueInfoConversion):
 *
 * - every offer matched against the app counts as processed; one that was not used also
 *   counts as unused, under the first of its reasons in the funnel order;
 * - the last unused offer of each agent is kept, for the "last offers" summary and for
 *   debugging;
 * - all of it is forgotten when the app has nothing left to launch (start again from
 *   EMPTY_OFFER_STATISTICS), so the counts describe the current launch attempt.
 *
 * Values are immutable; each record returns new statistics.
 */
import type { Attribute, Resource } from '@mesolite/daemon/protocol/mesos';
import type { MatchResult } from './feasibility.js';
import { type NoOfferMatchReason, primaryReason, REASON_FUNNEL } from './no-offer-match-reason.js';
import { roleOf } from './offered-resources.js';
import type { PlacementOffer } from './placement-request.js';

/** An offer the app could not use. */
export interface UnusedOfferRecord {
  readonly offer: PlacementOffer;
  readonly reasons: readonly NoOfferMatchReason[];
  /** When it was processed, in milliseconds since the epoch. */
  readonly at: number;
}

export interface OfferStatistics {
  readonly processedOffersCount: number;
  readonly unusedOffersCount: number;
  /** Unused offers of the launch attempt, each counted under its primary reason. */
  readonly rejectSummary: ReadonlyMap<NoOfferMatchReason, number>;
  readonly lastUsedOfferAt: number | undefined;
  readonly lastUnusedOffer: UnusedOfferRecord | undefined;
  /** The last unused offer from each agent, by agent id. */
  readonly lastUnusedByAgent: ReadonlyMap<string, UnusedOfferRecord>;
}

export const EMPTY_OFFER_STATISTICS: OfferStatistics = {
  processedOffersCount: 0,
  unusedOffersCount: 0,
  rejectSummary: new Map(),
  lastUsedOfferAt: undefined,
  lastUnusedOffer: undefined,
  lastUnusedByAgent: new Map(),
};

/** An offer the app used to launch an instance. */
export function recordUsedOffer(statistics: OfferStatistics, at: number): OfferStatistics {
  return {
    ...statistics,
    processedOffersCount: statistics.processedOffersCount + 1,
    lastUsedOfferAt: at,
  };
}

/** An offer the app could not use, and why. */
export function recordUnusedOffer(
  statistics: OfferStatistics,
  offer: PlacementOffer,
  reasons: readonly NoOfferMatchReason[],
  at: number,
): OfferStatistics {
  const record: UnusedOfferRecord = { offer, reasons: [...reasons], at };
  let rejectSummary = statistics.rejectSummary;
  const primary = primaryReason(reasons);
  // An offer declined without a reason counts as processed and unused, under no reason.
  if (primary !== undefined) {
    const counts = new Map(rejectSummary);
    counts.set(primary, (counts.get(primary) ?? 0) + 1);
    rejectSummary = counts;
  }
  const lastUnusedByAgent = new Map(statistics.lastUnusedByAgent);
  lastUnusedByAgent.set(offer.agent_id.value, record);
  return {
    ...statistics,
    processedOffersCount: statistics.processedOffersCount + 1,
    unusedOffersCount: statistics.unusedOffersCount + 1,
    rejectSummary,
    lastUnusedOffer: record,
    lastUnusedByAgent,
  };
}

/** Records what evaluating an offer for the app gave. */
export function recordOfferResult(
  statistics: OfferStatistics,
  offer: PlacementOffer,
  result: MatchResult,
  at: number,
): OfferStatistics {
  return 'reasons' in result
    ? recordUnusedOffer(statistics, offer, result.reasons, at)
    : recordUsedOffer(statistics, at);
}

/** One step of the funnel: how many offers reached this check, and how many it declined. */
export interface DeclinedOfferStep {
  reason: NoOfferMatchReason;
  declined: number;
  processed: number;
}

/**
 * The funnel as /v2/queue lists it: every reason in funnel order, each step processing
 * what the steps before it did not decline.
 */
export function declinedOfferSteps(
  processed: number,
  summary: ReadonlyMap<NoOfferMatchReason, number>,
): DeclinedOfferStep[] {
  const steps: DeclinedOfferStep[] = [];
  let left = processed;
  for (const reason of REASON_FUNNEL) {
    const declined = summary.get(reason) ?? 0;
    steps.push({ reason, declined, processed: left });
    left -= declined;
  }
  return steps;
}

/** /v2/queue's `processedOffersSummary`, in Marathon's JSON. */
export interface ProcessedOffersSummary {
  processedOffersCount: number;
  unusedOffersCount: number;
  lastUnusedOfferAt?: string;
  lastUsedOfferAt?: string;
  rejectSummaryLastOffers: DeclinedOfferStep[];
  rejectSummaryLaunchAttempt: DeclinedOfferStep[];
}

export function processedOffersSummary(statistics: OfferStatistics): ProcessedOffersSummary {
  const lastOffers = new Map<NoOfferMatchReason, number>();
  for (const record of statistics.lastUnusedByAgent.values()) {
    const primary = primaryReason(record.reasons);
    if (primary !== undefined) lastOffers.set(primary, (lastOffers.get(primary) ?? 0) + 1);
  }
  const summary: ProcessedOffersSummary = {
    processedOffersCount: statistics.processedOffersCount,
    unusedOffersCount: statistics.unusedOffersCount,
    // The "last offers" funnel starts from the number of agents with a last unused offer.
    rejectSummaryLastOffers: declinedOfferSteps(statistics.lastUnusedByAgent.size, lastOffers),
    rejectSummaryLaunchAttempt: declinedOfferSteps(
      statistics.processedOffersCount,
      statistics.rejectSummary,
    ),
  };
  // Marathon leaves the timestamps out until there is something to report.
  if (statistics.lastUnusedOffer !== undefined) {
    summary.lastUnusedOfferAt = isoTime(statistics.lastUnusedOffer.at);
  }
  if (statistics.lastUsedOfferAt !== undefined) {
    summary.lastUsedOfferAt = isoTime(statistics.lastUsedOfferAt);
  }
  return summary;
}

interface NumberRange {
  begin: number;
  end: number;
}

/** Marathon's OfferResource: a resource with its role spelled out. */
export interface OfferResourceJson {
  name: string;
  role: string;
  scalar?: number;
  ranges?: NumberRange[];
  set?: string[];
}

/** Marathon's AgentAttribute. */
export interface AgentAttributeJson {
  name: string;
  text?: string;
  scalar?: number;
  ranges?: NumberRange[];
  set?: string[];
}

/** Marathon's Offer, as /v2/queue?embed=lastUnusedOffers shows it. */
export interface OfferJson {
  id: string;
  hostname: string;
  agentId: string;
  resources: OfferResourceJson[];
  attributes: AgentAttributeJson[];
}

/** Marathon's UnusedOffer. */
export interface UnusedOfferJson {
  offer: OfferJson;
  reason: NoOfferMatchReason[];
  timestamp: string;
}

/** `lastUnusedOffers`: the last unused offer of each agent. */
export function lastUnusedOffers(statistics: OfferStatistics): UnusedOfferJson[] {
  return [...statistics.lastUnusedByAgent.values()].map((record) => ({
    offer: offerJson(record.offer),
    reason: [...record.reasons],
    timestamp: isoTime(record.at),
  }));
}

function offerJson(offer: PlacementOffer): OfferJson {
  return {
    id: offer.id?.value ?? '',
    hostname: offer.hostname,
    agentId: offer.agent_id.value,
    resources: offer.resources.map(resourceJson),
    attributes: (offer.attributes ?? []).map(attributeJson),
  };
}

function rangesJson(
  ranges:
    | { readonly range?: ReadonlyArray<{ begin: number; end: number }> | undefined }
    | undefined,
): NumberRange[] {
  return (ranges?.range ?? []).map(({ begin, end }) => ({ begin, end }));
}

function resourceJson(resource: Resource): OfferResourceJson {
  const out: OfferResourceJson = { name: resource.name, role: roleOf(resource) };
  if (resource.type === 'SCALAR') out.scalar = resource.scalar?.value ?? 0;
  else if (resource.type === 'RANGES') out.ranges = rangesJson(resource.ranges);
  else if (resource.type === 'SET') out.set = [...(resource.set?.item ?? [])];
  return out;
}

function attributeJson(attribute: Attribute): AgentAttributeJson {
  const out: AgentAttributeJson = { name: attribute.name };
  if (attribute.type === 'SCALAR') out.scalar = attribute.scalar?.value ?? 0;
  else if (attribute.type === 'RANGES') out.ranges = rangesJson(attribute.ranges);
  else if (attribute.type === 'SET') out.set = [...(attribute.set?.item ?? [])];
  else if (attribute.type === 'TEXT') out.text = attribute.text?.value ?? '';
  return out;
}

/** Marathon writes timestamps as ISO 8601 in UTC with milliseconds. */
function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
