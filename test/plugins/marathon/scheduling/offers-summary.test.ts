import {
  type NoOfferMatchReason,
  REASON_FUNNEL,
} from '@mesolite/plugin-marathon/scheduling/no-offer-match-reason';
import {
  declinedOfferSteps,
  EMPTY_OFFER_STATISTICS,
  lastUnusedOffers,
  type OfferStatistics,
  processedOffersSummary,
  recordOfferResult,
  recordUnusedOffer,
  recordUsedOffer,
} from '@mesolite/plugin-marathon/scheduling/offers-summary';
import { describe, expect, it } from 'vitest';
import { offer, text } from './fixtures.js';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');

function stepOf(steps: ReturnType<typeof declinedOfferSteps>, reason: string) {
  return steps.find((step) => step.reason === reason);
}

describe('processed offers', () => {
  it('counts a used offer as processed, not unused, and stamps lastUsedOfferAt', () => {
    const summary = processedOffersSummary(recordUsedOffer(EMPTY_OFFER_STATISTICS, T0));
    expect(summary).toMatchObject({
      processedOffersCount: 1,
      unusedOffersCount: 0,
      lastUsedOfferAt: '2024-05-01T12:00:00.000Z',
    });
    expect(summary.lastUnusedOfferAt).toBeUndefined();
  });

  it('counts an unused offer as processed and unused, and stamps lastUnusedOfferAt', () => {
    const stats = recordUnusedOffer(EMPTY_OFFER_STATISTICS, offer(), ['InsufficientCpus'], T0);
    expect(processedOffersSummary(stats)).toMatchObject({
      processedOffersCount: 1,
      unusedOffersCount: 1,
      lastUnusedOfferAt: '2024-05-01T12:00:00.000Z',
    });
  });

  it('leaves both timestamps out before any offer', () => {
    const summary = processedOffersSummary(EMPTY_OFFER_STATISTICS);
    expect(Object.keys(summary)).not.toContain('lastUsedOfferAt');
    expect(Object.keys(summary)).not.toContain('lastUnusedOfferAt');
  });

  it('records a match result as used and a no-match result as unused', () => {
    let stats = recordOfferResult(
      EMPTY_OFFER_STATISTICS,
      offer(),
      { matched: [], hostPorts: [] },
      T0,
    );
    stats = recordOfferResult(stats, offer(), { reasons: ['InsufficientMemory'] }, T0 + 1);
    expect(stats.processedOffersCount).toBe(2);
    expect(stats.unusedOffersCount).toBe(1);
  });
});

describe('reject summaries', () => {
  it('count an offer declined for several reasons under the first in funnel order', () => {
    const stats = recordUnusedOffer(
      EMPTY_OFFER_STATISTICS,
      offer(),
      ['InsufficientCpus', 'UnfulfilledConstraint'],
      T0,
    );
    const steps = processedOffersSummary(stats).rejectSummaryLaunchAttempt;
    expect(stepOf(steps, 'UnfulfilledConstraint')?.declined).toBe(1);
    expect(stepOf(steps, 'InsufficientCpus')?.declined).toBe(0);
  });

  it("list every reason in Marathon's funnel order", () => {
    const steps = processedOffersSummary(EMPTY_OFFER_STATISTICS).rejectSummaryLaunchAttempt;
    expect(steps.map((step) => step.reason)).toEqual([
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
    ]);
    expect(REASON_FUNNEL).toHaveLength(10);
  });

  it('let each step process what the steps before it did not decline', () => {
    const summary = new Map<NoOfferMatchReason, number>([
      ['InsufficientCpus', 75],
      ['InsufficientMemory', 15],
      ['InsufficientDisk', 10],
    ]);
    const steps = declinedOfferSteps(123, summary);
    expect(steps.slice(3, 8)).toEqual([
      { reason: 'AgentMaintenance', declined: 0, processed: 123 },
      { reason: 'InsufficientCpus', declined: 75, processed: 123 },
      { reason: 'InsufficientMemory', declined: 15, processed: 48 },
      { reason: 'InsufficientDisk', declined: 10, processed: 33 },
      { reason: 'InsufficientGpus', declined: 0, processed: 23 },
    ]);
  });

  it('count all offers of the launch attempt, but only the last one of each agent for the last offers', () => {
    let stats: OfferStatistics = EMPTY_OFFER_STATISTICS;
    stats = recordUnusedOffer(stats, offer({ agentId: 'a' }), ['InsufficientCpus'], T0);
    stats = recordUnusedOffer(stats, offer({ agentId: 'a' }), ['InsufficientMemory'], T0 + 1);
    stats = recordUnusedOffer(stats, offer({ agentId: 'b' }), ['InsufficientMemory'], T0 + 2);
    const summary = processedOffersSummary(stats);
    expect(stepOf(summary.rejectSummaryLaunchAttempt, 'InsufficientCpus')).toEqual({
      reason: 'InsufficientCpus',
      declined: 1,
      processed: 3,
    });
    expect(stepOf(summary.rejectSummaryLastOffers, 'InsufficientCpus')).toEqual({
      reason: 'InsufficientCpus',
      declined: 0,
      processed: 2,
    });
    expect(stepOf(summary.rejectSummaryLastOffers, 'InsufficientMemory')?.declined).toBe(2);
  });

  it('count an offer declined without a reason as unused under no reason', () => {
    const stats = recordUnusedOffer(EMPTY_OFFER_STATISTICS, offer(), [], T0);
    const steps = processedOffersSummary(stats).rejectSummaryLaunchAttempt;
    expect(stats.unusedOffersCount).toBe(1);
    expect(steps.every((step) => step.declined === 0)).toBe(true);
  });
});

describe('lastUnusedOffers', () => {
  it("shows the last unused offer of each agent in Marathon's JSON", () => {
    const unused = offer({
      hostname: 'h1',
      agentId: 'agent-1',
      cpus: 0.5,
      attributes: [text('rack', 'r1')],
    });
    const stats = recordUnusedOffer(EMPTY_OFFER_STATISTICS, unused, ['InsufficientCpus'], T0);
    expect(lastUnusedOffers(stats)).toEqual([
      {
        offer: {
          id: unused.id.value,
          hostname: 'h1',
          agentId: 'agent-1',
          resources: [
            { name: 'cpus', role: '*', scalar: 0.5 },
            { name: 'mem', role: '*', scalar: 4096 },
            { name: 'disk', role: '*', scalar: 10_000 },
            { name: 'ports', role: '*', ranges: [{ begin: 31000, end: 31099 }] },
          ],
          attributes: [{ name: 'rack', text: 'r1' }],
        },
        reason: ['InsufficientCpus'],
        timestamp: '2024-05-01T12:00:00.000Z',
      },
    ]);
  });
});
