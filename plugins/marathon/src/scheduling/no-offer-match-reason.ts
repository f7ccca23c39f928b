/**
 * Why an offer was not used for an app: Marathon's NoOfferMatchReason, by the names
 * /v2/queue reports and clients written for Marathon look for.
 */

/**
 * Every reason, in Marathon's funnel order (NoOfferMatchReason.reasonFunnel). When an
 * offer is declined for several reasons, the statistics count only the first of them in
 * this order, and /v2/queue lists its summary steps in this order.
 */
export const REASON_FUNNEL = [
  'UnfulfilledRole',
  'UnfulfilledConstraint',
  'NoCorrespondingReservationFound',
  'AgentMaintenance',
  'InsufficientCpus',
  'InsufficientMemory',
  'InsufficientDisk',
  'InsufficientGpus',
  'InsufficientPorts',
  'DeclinedScarceResources',
] as const;

export type NoOfferMatchReason = (typeof REASON_FUNNEL)[number];

const PRIORITY: ReadonlyMap<NoOfferMatchReason, number> = new Map(
  REASON_FUNNEL.map((reason, index) => [reason, index]),
);

/** The reason an unused offer is counted under: the earliest one in the funnel. */
export function primaryReason(
  reasons: readonly NoOfferMatchReason[],
): NoOfferMatchReason | undefined {
  let best: NoOfferMatchReason | undefined;
  for (const reason of reasons) {
    if (best === undefined || funnelIndex(reason) < funnelIndex(best)) best = reason;
  }
  return best;
}

function funnelIndex(reason: NoOfferMatchReason): number {
  return PRIORITY.get(reason) ?? REASON_FUNNEL.length;
}
