import { Allocator } from '@mesolite/daemon/master/allocator/allocator';
import { seededRandom } from '@mesolite/daemon/master/allocator/seeded-random';
import { ResourceBag } from '@mesolite/daemon/master/resources/resource-bag';
import { describe, expect, it } from 'vitest';

function newAllocator(): Allocator {
  return new Allocator({ now: () => 0, random: seededRandom(7) });
}

/** Every framework keeps whatever it is offered; counts agents won by each. */
function keepEverything(allocator: Allocator): Record<string, number> {
  const won: Record<string, number> = {};
  for (const { frameworkId } of allocator.allocate())
    won[frameworkId] = (won[frameworkId] ?? 0) + 1;
  return won;
}

describe('dominant resource fairness', () => {
  it('shares 9 CPUs / 18 GB as the DRF paper does: A <1 CPU, 4 GB> runs 3 tasks, B <3 CPU, 1 GB> 2', () => {
    const allocator = newAllocator();
    allocator.addAgent('agent', ResourceBag.of({ cpus: 9, mem: 18 * 1024 }));
    allocator.addFramework('A', { role: '*' });
    allocator.addFramework('B', { role: '*' });
    const task: Record<string, ResourceBag> = {
      A: ResourceBag.of({ cpus: 1, mem: 4 * 1024 }),
      B: ResourceBag.of({ cpus: 3, mem: 1024 }),
    };
    const launched: Record<string, number> = { A: 0, B: 0 };

    // Each offer goes to whoever is lowest; it launches one task and declines the rest,
    // or, when its task no longer fits, declines and stops asking.
    for (let offers = allocator.allocate(); offers.length > 0; offers = allocator.allocate()) {
      for (const { frameworkId, agentId, resources } of offers) {
        const wanted = task[frameworkId] ?? ResourceBag.EMPTY;
        if (resources.contains(wanted)) {
          launched[frameworkId] = (launched[frameworkId] ?? 0) + 1;
          allocator.recover(frameworkId, agentId, resources.subtract(wanted));
        } else {
          allocator.recover(frameworkId, agentId, resources);
          allocator.suppress(frameworkId);
        }
      }
    }

    expect(launched).toEqual({ A: 3, B: 2 });
    expect(allocator.frameworkAllocation('A').dominantShare).toBeCloseTo(2 / 3);
    expect(allocator.frameworkAllocation('B').dominantShare).toBeCloseTo(2 / 3);
  });

  it('offers an agent to the framework with the lowest dominant share', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', ResourceBag.of({ cpus: 10, mem: 100 }));
    allocator.addAgent('a2', ResourceBag.of({ cpus: 10, mem: 100 }));
    allocator.addFramework('cpu-heavy', { role: '*' });
    allocator.addFramework('mem-heavy', { role: '*' });
    // 6 of 20 CPUs is 30%; 50 of 200 MB is 25%: mem-heavy is lower.
    allocator.allocate('cpu-heavy', 'a1', ResourceBag.of({ cpus: 6, mem: 1 }));
    allocator.allocate('mem-heavy', 'a1', ResourceBag.of({ cpus: 1, mem: 50 }));

    const offers = allocator.allocate(['a2']);

    expect(offers.map((offer) => offer.frameworkId)).toEqual(['mem-heavy']);
  });

  it('offers all of an agent free resources in one offer', () => {
    const allocator = newAllocator();
    const total = ResourceBag.of({ cpus: 4, mem: 4096, disk: 1000, ports: [[31000, 32000]] });
    allocator.addAgent('a1', total);
    allocator.addFramework('f1', { role: '*' });

    const offers = allocator.allocate();

    expect(offers).toHaveLength(1);
    expect(offers[0]?.resources.equals(total)).toBe(true);
  });

  it('computes shares against the whole cluster', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', ResourceBag.of({ cpus: 8, mem: 1000 }));
    allocator.addAgent('a2', ResourceBag.of({ cpus: 8, mem: 1000 }));
    allocator.addFramework('f1', { role: '*' });

    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 4, mem: 100 }));

    expect(allocator.frameworkAllocation('f1')).toMatchObject({
      dominantShare: 0.25,
      allocated: { cpus: 4, mem: 100 },
    });
    expect(allocator.totalQuantities()).toEqual({ cpus: 16, mem: 2000 });
  });

  it('breaks ties by fewer allocations so far, then by framework id', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', ResourceBag.of({ cpus: 1, mem: 64 }));
    allocator.addFramework('b', { role: '*' });
    allocator.addFramework('a', { role: '*' });

    const [first] = allocator.allocate();
    expect(first?.frameworkId).toBe('a');
    allocator.recover('a', 'a1', first?.resources ?? ResourceBag.EMPTY);

    const [second] = allocator.allocate();
    expect(second?.frameworkId).toBe('b');
  });

  it('shares agents evenly between equal frameworks', () => {
    const allocator = newAllocator();
    for (let i = 0; i < 30; i++) allocator.addAgent(`a${i}`, ResourceBag.of({ cpus: 1, mem: 64 }));
    for (const id of ['f1', 'f2', 'f3']) allocator.addFramework(id, { role: '*' });

    expect(keepEverything(allocator)).toEqual({ f1: 10, f2: 10, f3: 10 });
  });
});

describe('roles', () => {
  it('are served first by weighted share, then frameworks within them', () => {
    const allocator = newAllocator();
    for (let i = 0; i < 12; i++) allocator.addAgent(`a${i}`, ResourceBag.of({ cpus: 1, mem: 64 }));
    allocator.addFramework('r1', { role: 'research' });
    allocator.addFramework('r2', { role: 'research' });
    allocator.addFramework('p1', { role: 'prod' });

    // Two frameworks in one role do not get twice what a single one gets in another.
    expect(keepEverything(allocator)).toEqual({ p1: 6, r1: 3, r2: 3 });
  });

  it('with weight 2 get twice the share of a role with weight 1', () => {
    const allocator = newAllocator();
    for (let i = 0; i < 30; i++) allocator.addAgent(`a${i}`, ResourceBag.of({ cpus: 1, mem: 64 }));
    allocator.setRoleWeight('prod', 2);
    allocator.addFramework('p', { role: 'prod' });
    allocator.addFramework('d', { role: 'dev' });

    expect(keepEverything(allocator)).toEqual({ p: 20, d: 10 });
  });

  it('report their dominant share, weight and allocation', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', ResourceBag.of({ cpus: 10, mem: 1000 }));
    allocator.setRoleWeight('prod', 4);
    allocator.addFramework('p1', { role: 'prod' });
    allocator.addFramework('p2', { role: 'prod' });
    allocator.allocate('p1', 'a1', ResourceBag.of({ cpus: 2, mem: 100 }));
    allocator.allocate('p2', 'a1', ResourceBag.of({ cpus: 2, mem: 500 }));

    expect(allocator.roleAllocation('prod')).toEqual({
      role: 'prod',
      weight: 4,
      dominantShare: 0.6,
      weightedShare: 0.15,
      allocated: { cpus: 4, mem: 600 },
      frameworks: 2,
    });
    expect(allocator.roleAllocations().map((role) => role.role)).toEqual(['prod']);
  });

  it('refuse a weight that is not above zero', () => {
    const allocator = newAllocator();
    for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => allocator.setRoleWeight('prod', weight)).toThrow(
        expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_ROLE_WEIGHT' }),
      );
    }
  });

  it('refuse a framework role Mesos would refuse', () => {
    expect(() => newAllocator().addFramework('f1', { role: '../etc' })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_ROLE' }),
    );
  });
});
