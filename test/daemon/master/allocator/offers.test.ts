import { Allocator } from '@mesolite/daemon/master/allocator/allocator';
import { seededRandom } from '@mesolite/daemon/master/allocator/seeded-random';
import { ResourceBag } from '@mesolite/daemon/master/resources/resource-bag';
import { describe, expect, it } from 'vitest';

const AGENT = ResourceBag.of({ cpus: 4, mem: 4096, ports: [[31000, 32000]] });

function setup(frameworks = ['f1']): { allocator: Allocator; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const allocator = new Allocator({ now: () => clock.now, random: seededRandom(1) });
  allocator.addAgent('a1', AGENT);
  for (const id of frameworks) allocator.addFramework(id, { role: '*' });
  return { allocator, clock };
}

function offeredTo(allocator: Allocator, agentIds?: string[]): string[] {
  return allocator.allocate(agentIds).map((offer) => `${offer.frameworkId}@${offer.agentId}`);
}

describe('offers', () => {
  it('are not made twice: offered resources stay allocated until recovered', () => {
    const { allocator } = setup();
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
    expect(offeredTo(allocator)).toEqual([]);
    expect(allocator.agentAllocation('a1').free.isEmpty()).toBe(true);
  });

  it('are made again once declined without a filter', () => {
    const { allocator } = setup();
    const [offer] = allocator.allocate();
    allocator.recover('f1', 'a1', offer?.resources ?? ResourceBag.EMPTY);
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('offer only what a task left free', () => {
    const { allocator } = setup();
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 1, mem: 1024, ports: [[31000, 31000]] }));
    const [offer] = allocator.allocate();
    expect(
      offer?.resources.equals(ResourceBag.of({ cpus: 3, mem: 3072, ports: [[31001, 32000]] })),
    ).toBe(true);
  });

  it('are not made of leftovers below Mesos minimum (0.01 CPU or 32 MB)', () => {
    const { allocator } = setup();
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 4, mem: 4080 }));
    expect(offeredTo(allocator)).toEqual([]);
  });

  it('visit only the named agents in an event-driven round', () => {
    const { allocator } = setup();
    allocator.addAgent('a2', AGENT);
    expect(offeredTo(allocator, ['a2', 'unknown'])).toEqual(['f1@a2']);
    expect(offeredTo(allocator, [])).toEqual([]);
  });

  it('take a lone agent id as one agent, not as its characters', () => {
    const { allocator } = setup();
    expect(allocator.allocate('a1').map((offer) => offer.agentId)).toEqual(['a1']);
  });

  it('visit agents in a shuffled order that a seeded random repeats', () => {
    const order = (seed: number) => {
      const allocator = new Allocator({ now: () => 0, random: seededRandom(seed) });
      for (let i = 0; i < 20; i++) allocator.addAgent(`a${i}`, AGENT);
      for (let i = 0; i < 20; i++) allocator.addFramework(`f${i}`, { role: '*' });
      return allocator.allocate().map((offer) => offer.agentId);
    };
    const sorted = Array.from({ length: 20 }, (_, i) => `a${i}`);
    expect(order(42)).toEqual(order(42));
    expect(order(42)).not.toEqual(sorted);
    expect(order(42)).not.toEqual(order(43));
    expect([...order(42)].sort()).toEqual([...sorted].sort());
  });
});

describe('offer filters', () => {
  it('keep a declined agent from the framework until refuse_seconds pass', () => {
    const { allocator, clock } = setup();
    const [offer] = allocator.allocate();
    allocator.recover('f1', 'a1', offer?.resources ?? ResourceBag.EMPTY, 5);

    clock.now += 4_999;
    expect(offeredTo(allocator)).toEqual([]);
    clock.now += 1;
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('let other frameworks have what one declined, even with a higher share', () => {
    const { allocator } = setup(['f1', 'f2']);
    allocator.addAgent('a2', AGENT);
    allocator.allocate('f2', 'a2', ResourceBag.of({ cpus: 1 }));
    const [offer] = allocator.allocate(['a1']);
    expect(offer?.frameworkId).toBe('f1');
    allocator.recover('f1', 'a1', offer?.resources ?? ResourceBag.EMPTY, 5);
    expect(offeredTo(allocator, ['a1'])).toEqual(['f2@a1']);
  });

  it('apply only to the agent that was declined', () => {
    const { allocator } = setup();
    allocator.addAgent('a2', AGENT);
    const offers = allocator.allocate();
    for (const offer of offers) {
      allocator.recover(
        offer.frameworkId,
        offer.agentId,
        offer.resources,
        offer.agentId === 'a1' ? 60 : 0,
      );
    }
    expect(offeredTo(allocator)).toEqual(['f1@a2']);
  });

  it('stop holding when more is free than was declined, as Mesos filters do', () => {
    const { allocator } = setup();
    const task = ResourceBag.of({ cpus: 2, mem: 2048 });
    allocator.allocate('f1', 'a1', task);
    const [offer] = allocator.allocate();
    allocator.recover('f1', 'a1', offer?.resources ?? ResourceBag.EMPTY, 60);
    expect(offeredTo(allocator)).toEqual([]);

    allocator.recover('f1', 'a1', task);

    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('are all dropped when the framework revives', () => {
    const { allocator } = setup();
    const [offer] = allocator.allocate();
    allocator.recover('f1', 'a1', offer?.resources ?? ResourceBag.EMPTY, 3600);
    allocator.revive('f1');
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('are dropped with the agent they were for', () => {
    const { allocator } = setup();
    const [offer] = allocator.allocate();
    allocator.recover('f1', 'a1', offer?.resources ?? ResourceBag.EMPTY, 3600);
    allocator.removeAgent('a1');
    allocator.addAgent('a1', AGENT);
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });
});

describe('suppress and revive', () => {
  it('a suppressed framework gets no offers until it revives', () => {
    const { allocator } = setup();
    allocator.suppress('f1');
    expect(offeredTo(allocator)).toEqual([]);
    allocator.revive('f1');
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('a framework can subscribe suppressed', () => {
    const { allocator } = setup([]);
    allocator.addFramework('f1', { role: '*', suppressed: true });
    expect(offeredTo(allocator)).toEqual([]);
  });

  it('a suppressed framework leaves the agent to the others', () => {
    const { allocator } = setup(['f1', 'f2']);
    allocator.suppress('f1');
    expect(offeredTo(allocator)).toEqual(['f2@a1']);
  });
});

describe('inactive frameworks and agents', () => {
  it('a disconnected framework gets no offers until it is active again', () => {
    const { allocator } = setup(['f1', 'f2']);
    allocator.deactivateFramework('f1');
    expect(offeredTo(allocator)).toEqual(['f2@a1']);
    allocator.removeFramework('f2');
    expect(offeredTo(allocator)).toEqual([]);
    allocator.activateFramework('f1');
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('a framework known from the registry can start inactive', () => {
    const { allocator } = setup([]);
    allocator.addFramework('f1', { role: '*', active: false });
    expect(offeredTo(allocator)).toEqual([]);
  });

  it('a disconnected framework keeps what it holds, in its share too', () => {
    const { allocator } = setup();
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 2 }));
    allocator.deactivateFramework('f1');
    expect(allocator.frameworkAllocation('f1')).toMatchObject({
      active: false,
      dominantShare: 0.5,
    });
  });

  it('an unreachable agent is not offered until it is active again', () => {
    const { allocator } = setup();
    allocator.deactivateAgent('a1');
    expect(offeredTo(allocator)).toEqual([]);
    allocator.activateAgent('a1');
    expect(offeredTo(allocator)).toEqual(['f1@a1']);
  });

  it('an unreachable agent still counts in the cluster total', () => {
    const { allocator } = setup();
    allocator.addAgent('a2', AGENT);
    allocator.deactivateAgent('a2');
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 4 }));
    expect(allocator.frameworkAllocation('f1').dominantShare).toBe(0.5);
  });
});

describe('static reservations', () => {
  it('are offered only to frameworks of their role, beside unreserved resources to the lowest', () => {
    const allocator = new Allocator({ now: () => 0, random: seededRandom(1) });
    const unreserved = ResourceBag.of({ cpus: 2, mem: 1024 });
    const reserved = ResourceBag.of({ cpus: 2, mem: 1024 }, 'web');
    allocator.addAgent('a1', unreserved.add(reserved));
    allocator.addFramework('a-ops', { role: 'ops' });
    allocator.addFramework('b-web', { role: 'web' });

    const offers = allocator.allocate();

    // Both roles tie at share 0 and "ops" comes first: it gets the unreserved part only.
    expect(offers.map((offer) => [offer.frameworkId, offer.resources.toString()])).toEqual([
      ['a-ops', unreserved.toString()],
      ['b-web', reserved.toString()],
    ]);
  });

  it('go with the unreserved resources to a framework of their role', () => {
    const allocator = new Allocator({ now: () => 0, random: seededRandom(1) });
    const total = ResourceBag.of({ cpus: 2, mem: 1024 }).add(ResourceBag.of({ cpus: 2 }, 'web'));
    allocator.addAgent('a1', total);
    allocator.addFramework('web-1', { role: 'web/api' });

    const offers = allocator.allocate();

    expect(offers).toHaveLength(1);
    expect(offers[0]?.resources.equals(total)).toBe(true);
  });

  it('stay unoffered while no framework of their role wants them', () => {
    const allocator = new Allocator({ now: () => 0, random: seededRandom(1) });
    allocator.addAgent('a1', ResourceBag.of({ cpus: 2, mem: 1024 }, 'web'));
    allocator.addFramework('f1', { role: 'ops' });
    expect(allocator.allocate()).toEqual([]);
  });
});
