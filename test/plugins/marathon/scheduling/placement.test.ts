import {
  type Candidate,
  isMatch,
  type MatchResult,
  resolveSettings,
  runFilters,
} from '@mesolite/plugin-marathon/scheduling/feasibility';
import { acceptedRoles } from '@mesolite/plugin-marathon/scheduling/offered-resources';
import {
  constraintsFilter,
  evaluateOffer,
  maintenanceFilter,
  placeInstances,
} from '@mesolite/plugin-marathon/scheduling/placement';
import type {
  PlacementOffer,
  PlacementRequest,
} from '@mesolite/plugin-marathon/scheduling/placement-request';
import { describe, expect, it } from 'vitest';
import { lowestFirst, offer, onHost, request, text } from './fixtures.js';

function reasonsOf(result: MatchResult): string[] {
  return isMatch(result) ? [] : result.reasons;
}

const options = { random: lowestFirst };
const NOW = Date.parse('2024-05-01T12:00:00Z');
const nanos = (ms: number): { nanoseconds: number } => ({ nanoseconds: ms * 1_000_000 });

function inMaintenance(start: number, durationMs?: number): PlacementOffer {
  return {
    ...offer(),
    unavailability:
      durationMs === undefined
        ? { start: nanos(start) }
        : { start: nanos(start), duration: nanos(durationMs) },
  };
}

describe('evaluateOffer', () => {
  it('gives the resources and host ports of a fitting offer', () => {
    const req = request({ ports: [{ hostPort: 0 }] });
    const result = evaluateOffer(req, offer(), [], options);
    expect(result).toMatchObject({ hostPorts: [31000] });
  });

  it('reports UnfulfilledConstraint when a constraint is not met', () => {
    const req = request({ constraints: [['hostname', 'UNIQUE']] });
    const result = evaluateOffer(req, offer({ hostname: 'h1' }), [onHost('h1')], options);
    expect(reasonsOf(result)).toEqual(['UnfulfilledConstraint']);
  });

  it('reports resource and constraint reasons together', () => {
    const req = request({ cpus: 64, constraints: [['rack', 'IS', 'rack-1']] });
    const result = evaluateOffer(req, offer({ attributes: [text('rack', 'rack-2')] }), []);
    expect(reasonsOf(result)).toEqual(['InsufficientCpus', 'UnfulfilledConstraint']);
  });

  it('reports DeclinedScarceResources for a GPU agent when the app needs no GPU', () => {
    const result = evaluateOffer(request(), offer({ gpus: 1 }), [], options);
    expect(reasonsOf(result)).toEqual(['DeclinedScarceResources']);
  });

  it('uses a GPU agent for an app that needs no GPU when GPU scheduling is unrestricted', () => {
    const result = evaluateOffer(request(), offer({ gpus: 1 }), [], {
      ...options,
      gpuSchedulingBehavior: 'unrestricted',
    });
    expect(isMatch(result)).toBe(true);
  });

  it('gives GPUs to an app that asks for them', () => {
    const result = evaluateOffer(request({ gpus: 1 }), offer({ gpus: 2 }), [], options);
    expect(isMatch(result)).toBe(true);
  });
});

describe('maintenance windows', () => {
  it('reports AgentMaintenance inside a window', () => {
    const target = inMaintenance(NOW - 60_000, 3_600_000);
    expect(reasonsOf(evaluateOffer(request(), target, [], { now: NOW }))).toEqual([
      'AgentMaintenance',
    ]);
  });

  it('treats a window without a duration as never ending', () => {
    const target = inMaintenance(NOW - 86_400_000);
    expect(reasonsOf(evaluateOffer(request(), target, [], { now: NOW }))).toEqual([
      'AgentMaintenance',
    ]);
  });

  it('accepts the agent once the window is over', () => {
    const target = inMaintenance(NOW - 7_200_000, 3_600_000);
    expect(isMatch(evaluateOffer(request(), target, [], { now: NOW }))).toBe(true);
  });

  it('accepts the agent before the window unless draining seconds reach into it', () => {
    const target = inMaintenance(NOW + 30_000, 3_600_000);
    expect(isMatch(evaluateOffer(request(), target, [], { now: NOW }))).toBe(true);
    const draining = evaluateOffer(request(), target, [], { now: NOW, drainingSeconds: 60 });
    expect(reasonsOf(draining)).toEqual(['AgentMaintenance']);
  });

  it('ignores windows when maintenance mode is off', () => {
    const target = inMaintenance(NOW - 60_000, 3_600_000);
    const result = evaluateOffer(request(), target, [], { now: NOW, maintenanceMode: false });
    expect(isMatch(result)).toBe(true);
  });
});

describe('filters', () => {
  function candidate(req: PlacementRequest, target: PlacementOffer): Candidate {
    return {
      request: req,
      offer: target,
      placed: [onHost(target.hostname)],
      roles: acceptedRoles(req),
      settings: resolveSettings({ now: NOW }),
    };
  }

  it('compose into a chain that names one reason per failing filter', () => {
    const req = request({ constraints: [['hostname', 'UNIQUE']] });
    const target = inMaintenance(NOW - 1000);
    expect(runFilters([constraintsFilter, maintenanceFilter], candidate(req, target))).toEqual([
      'UnfulfilledConstraint',
      'AgentMaintenance',
    ]);
  });
});

describe('placeInstances', () => {
  const twoPorts = request({ ports: [{ hostPort: 0 }, { hostPort: 0 }] });

  it('takes several instances from one offer without handing out a port twice', () => {
    const batch = placeInstances(twoPorts, offer(), [], 3, options);
    const allPorts = batch.placements.flatMap((placement) => placement.hostPorts);
    expect(batch.placements).toHaveLength(3);
    expect(new Set(allPorts).size).toBe(6);
  });

  it('stops when the offer runs out, with the reason the next instance did not fit', () => {
    const batch = placeInstances(request({ cpus: 1.5 }), offer({ cpus: 4 }), [], 5, options);
    expect(batch.placements).toHaveLength(2);
    expect(batch.reasons).toEqual(['InsufficientCpus']);
  });

  it('stops at the last free port', () => {
    const batch = placeInstances(twoPorts, offer({ ports: [[31000, 31004]] }), [], 3, options);
    expect(batch.placements).toHaveLength(2);
    expect(batch.reasons).toEqual(['InsufficientPorts']);
  });

  it("counts the batch's own instances for constraints", () => {
    const req = request({ constraints: [['hostname', 'MAX_PER', '2']] });
    const batch = placeInstances(req, offer(), [], 5, options);
    expect(batch.placements).toHaveLength(2);
    expect(batch.reasons).toEqual(['UnfulfilledConstraint']);
  });

  it('places no instance beside an existing one under hostname UNIQUE', () => {
    const req = request({ constraints: [['hostname', 'UNIQUE']] });
    const batch = placeInstances(req, offer({ hostname: 'h1' }), [onHost('h1')], 2, options);
    expect(batch.placements).toHaveLength(0);
  });

  it('leaves the rest of the offer for others', () => {
    const batch = placeInstances(request({ cpus: 1, mem: 1000 }), offer(), [], 2, options);
    const left = batch.remaining.resources.filter((resource) => resource.type === 'SCALAR');
    expect(left.map((resource) => [resource.name, resource.scalar?.value])).toEqual([
      ['cpus', 2],
      ['mem', 2096],
      ['disk', 10_000],
    ]);
  });

  it('leaves the unused ports in the rest of the offer', () => {
    const batch = placeInstances(twoPorts, offer({ ports: [[31000, 31009]] }), [], 2, options);
    const taken = batch.placements.flatMap((placement) => placement.hostPorts);
    const left = batch.remaining.resources.find((resource) => resource.name === 'ports');
    const leftPorts = (left?.ranges?.range ?? []).flatMap(({ begin, end }) =>
      Array.from({ length: end - begin + 1 }, (_, i) => begin + i),
    );
    expect([...taken, ...leftPorts].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => 31000 + i),
    );
    expect(leftPorts).toHaveLength(6);
  });
});
