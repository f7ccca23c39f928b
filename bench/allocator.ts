/**
 * Allocation rounds at scale, timed as Mesos's own allocator benchmark times them:
 * every agent has free resources and one round offers each of them. Between rounds,
 * everything offered is recovered (untimed), so each round starts from the same state.
 * A last set of rounds declines every offer with a filter first, so each round must
 * also skip the filtered framework on every agent.
 *
 * `npm run bench -- allocator [agents] [frameworks] [rounds]`
 */
import { type Allocation, Allocator } from '@mesolite/daemon/master/allocator/allocator';
import { seededRandom } from '@mesolite/daemon/master/allocator/seeded-random';
import { parseResources } from '@mesolite/daemon/master/resources/parse-resources';
import type { BenchFigures } from './run.ts';

const AGENT_RESOURCES = 'cpus:16;mem:65536;disk:1000000;ports:[31000-32000]';
const ROLES = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function intArg(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export default async function bench(args: string[]): Promise<BenchFigures> {
  const agents = intArg(args[0], 10_000);
  const frameworks = intArg(args[1], 500);
  const rounds = Math.max(5, intArg(args[2], 7));
  const clock = { now: 0 };
  const allocator = new Allocator({ now: () => clock.now, random: seededRandom(2011) });

  process.stdout.write(
    `building ${agents} agents (${AGENT_RESOURCES}) and ${frameworks} frameworks in ${ROLES} roles...\n`,
  );
  const buildStarted = performance.now();
  const total = parseResources(AGENT_RESOURCES);
  for (let role = 0; role < ROLES; role++) allocator.setRoleWeight(`role-${role}`, role + 1);
  for (let i = 0; i < frameworks; i++) {
    allocator.addFramework(`framework-${i}`, { role: `role-${i % ROLES}` });
  }
  for (let i = 0; i < agents; i++) allocator.addAgent(`agent-${i}`, total);
  process.stdout.write(`  built in ${round2(performance.now() - buildStarted)} ms\n`);

  const recoverAll = (offers: Allocation[], refuseSeconds: number) => {
    for (const offer of offers) {
      allocator.recover(offer.frameworkId, offer.agentId, offer.resources, refuseSeconds);
    }
  };

  const timeRounds = (label: string, refuseSeconds: number) => {
    const times: number[] = [];
    let offers: Allocation[] = [];
    let receivers = 0;
    // One untimed round first, so the timed ones run on warmed-up code.
    recoverAll(allocator.allocate(), refuseSeconds);
    for (let round = 1; round <= rounds; round++) {
      const started = performance.now();
      offers = allocator.allocate();
      const elapsed = performance.now() - started;
      times.push(elapsed);
      receivers = new Set(offers.map((offer) => offer.frameworkId)).size;
      process.stdout.write(
        `  ${label} round ${round}/${rounds}: ${offers.length} offers to ${receivers} frameworks in ${round2(elapsed)} ms\n`,
      );
      recoverAll(offers, refuseSeconds);
      // Filters from two rounds ago expire, so a framework is filtered on the agents it last declined.
      clock.now += refuseSeconds * 1000 * 0.6;
    }
    return { times, offers: offers.length, receivers };
  };

  process.stdout.write(`full rounds (offers recovered between rounds):\n`);
  const full = timeRounds('full', 0);
  if (full.offers < agents) {
    throw new Error(
      `a round made ${full.offers} offers for ${agents} agents; every agent should be offered`,
    );
  }
  process.stdout.write(`rounds after every offer was declined with a 5 s filter:\n`);
  const filtered = timeRounds('filtered', 5);

  return {
    agents,
    frameworks,
    roles: ROLES,
    rounds,
    offers: full.offers,
    round_ms: round2(median(full.times)),
    round_ms_max: round2(Math.max(...full.times)),
    round_ms_min: round2(Math.min(...full.times)),
    filtered_round_ms: round2(median(filtered.times)),
    filtered_offers: filtered.offers,
    frameworks_offered: full.receivers,
  };
}
