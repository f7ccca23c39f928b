import { Allocator } from '@mesolite/daemon/master/allocator/allocator';
import { seededRandom } from '@mesolite/daemon/master/allocator/seeded-random';
import { ResourceBag } from '@mesolite/daemon/master/resources/resource-bag';
import { describe, expect, it } from 'vitest';

const AGENT = ResourceBag.of({ cpus: 4, mem: 4096 });

function newAllocator(): Allocator {
  const allocator = new Allocator({ now: () => 0, random: seededRandom(3) });
  allocator.addFramework('f1', { role: '*' });
  allocator.addFramework('f2', { role: '*' });
  return allocator;
}

describe('recovery after a restart', () => {
  it('an agent re-registering with running tasks offers only the rest', () => {
    const allocator = newAllocator();
    const used = ResourceBag.of({ cpus: 3, mem: 1024 });
    allocator.addAgent('a1', AGENT, new Map([['f1', used]]));

    expect(allocator.agentAllocation('a1').allocated.equals(used)).toBe(true);
    const offers = allocator.allocate();
    expect(offers.map((offer) => offer.resources.toString())).toEqual(['cpus:1; mem:3072']);
  });

  it('the running tasks count in their framework share', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT, new Map([['f1', ResourceBag.of({ cpus: 1, mem: 3072 })]]));
    expect(allocator.frameworkAllocation('f1').dominantShare).toBe(0.75);
    expect(allocator.allocate().map((offer) => offer.frameworkId)).toEqual(['f2']);
  });

  it('a task found later is marked used with allocate(framework, agent, resources)', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 4 }));
    expect(allocator.agentAllocation('a1').free.toString()).toBe('mem:4096');
    expect(allocator.frameworkResources('f1').get('a1')?.toString()).toBe('cpus:4');
  });

  it('an agent cannot be added with resources of an unknown framework', () => {
    const allocator = newAllocator();
    expect(() =>
      allocator.addAgent('a1', AGENT, new Map([['ghost', ResourceBag.of({ cpus: 1 })]])),
    ).toThrow(expect.objectContaining({ code: 'MESOLITE_ERR_UNKNOWN_FRAMEWORK' }));
    expect(allocator.hasAgent('a1')).toBe(false);
  });
});

describe('recovering resources', () => {
  it('gives a finished task resources back to the agent and out of the share', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 2, mem: 1024 }));
    allocator.recover('f1', 'a1', ResourceBag.of({ cpus: 2, mem: 1024 }));
    expect(allocator.agentAllocation('a1').free.equals(AGENT)).toBe(true);
    expect(allocator.frameworkAllocation('f1')).toMatchObject({ dominantShare: 0, allocated: {} });
    expect(allocator.frameworkResources('f1').size).toBe(0);
  });

  it('gives back part of an offer, keeping the rest held', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    const [offer] = allocator.allocate();
    const task = ResourceBag.of({ cpus: 1, mem: 512 });
    allocator.recover(offer?.frameworkId ?? '', 'a1', (offer?.resources ?? AGENT).subtract(task));
    expect(allocator.agentAllocation('a1').allocated.equals(task)).toBe(true);
  });

  it('refuses resources the framework does not hold there, with a coded error', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 1 }));
    expect(() => allocator.recover('f1', 'a1', ResourceBag.of({ cpus: 2 }))).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_NOT_ALLOCATED' }),
    );
    expect(() => allocator.recover('f2', 'a1', ResourceBag.of({ cpus: 1 }))).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_NOT_ALLOCATED' }),
    );
  });

  it('ignores resources of a framework or agent already removed, as Mesos does', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 1 }));
    allocator.removeFramework('f1');
    expect(() => allocator.recover('f1', 'a1', ResourceBag.of({ cpus: 1 }))).not.toThrow();
    expect(() => allocator.recover('f2', 'gone', ResourceBag.of({ cpus: 1 }))).not.toThrow();
  });
});

describe('removing and resizing', () => {
  it('a removed framework frees everything it held', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 1 }));
    allocator.removeFramework('f1');
    expect(allocator.hasFramework('f1')).toBe(false);
    expect(allocator.agentAllocation('a1').free.equals(AGENT)).toBe(true);
    expect(allocator.allocate().map((offer) => offer.frameworkId)).toEqual(['f2']);
  });

  it('a removed agent leaves the cluster total and takes its allocations along', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.addAgent('a2', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 2 }));
    allocator.allocate('f2', 'a2', ResourceBag.of({ cpus: 2 }));
    allocator.removeAgent('a2');
    expect(allocator.totalQuantities()).toEqual({ cpus: 4, mem: 4096 });
    expect(allocator.frameworkAllocation('f1').dominantShare).toBe(0.5);
    expect(allocator.frameworkAllocation('f2')).toMatchObject({ dominantShare: 0, allocated: {} });
    expect(allocator.hasAgent('a2')).toBe(false);
  });

  it('an agent whose total shrank below what is allocated has nothing free', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 3 }));
    allocator.updateAgentTotal('a1', ResourceBag.of({ cpus: 2, mem: 4096 }));
    expect(allocator.agentAllocation('a1').free.toString()).toBe('mem:4096');

    allocator.recover('f1', 'a1', ResourceBag.of({ cpus: 2 }));

    expect(allocator.agentAllocation('a1').free.toString()).toBe('cpus:1; mem:4096');
    expect(allocator.totalQuantities()).toEqual({ cpus: 2, mem: 4096 });
  });
});

describe('errors', () => {
  it('name an unknown agent or framework with a stable code', () => {
    const allocator = newAllocator();
    expect(() => allocator.removeAgent('nope')).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_UNKNOWN_AGENT',
        message: expect.stringContaining('nope'),
      }),
    );
    expect(() => allocator.suppress('nope')).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_UNKNOWN_FRAMEWORK' }),
    );
  });

  it('refuse an agent or framework added twice', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    expect(() => allocator.addAgent('a1', AGENT)).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_AGENT_EXISTS' }),
    );
    expect(() => allocator.addFramework('f1', { role: '*' })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_FRAMEWORK_EXISTS' }),
    );
  });
});

describe('reading allocations', () => {
  it('lists every framework with its role, state and share', () => {
    const allocator = newAllocator();
    allocator.addAgent('a1', AGENT);
    allocator.suppress('f2');
    allocator.allocate('f1', 'a1', ResourceBag.of({ cpus: 1, mem: 2048 }));
    expect(allocator.frameworkAllocations()).toEqual([
      {
        frameworkId: 'f1',
        role: '*',
        active: true,
        suppressed: false,
        dominantShare: 0.5,
        allocated: { cpus: 1, mem: 2048 },
      },
      {
        frameworkId: 'f2',
        role: '*',
        active: true,
        suppressed: true,
        dominantShare: 0,
        allocated: {},
      },
    ]);
  });
});
