import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  agentResources,
  DEFAULT_DISK_MB,
  DEFAULT_MEM_MB,
  detectAgentResources,
  type MachineFacts,
  probeMachine,
} from '@mesolite/daemon/agent/resources/agent-resources';
import { afterEach, describe, expect, it } from 'vitest';

const MB = 1024 * 1024;
const GB = 1024 * MB;

const machine = (facts: Partial<MachineFacts> = {}): MachineFacts => ({
  cpus: 8,
  memoryBytes: 16 * GB,
  diskBytes: 100 * GB,
  ...facts,
});

describe('detected resources', () => {
  it('offers every core', () => {
    expect(agentResources(machine({ cpus: 6 })).bag.scalar('cpus')).toBe(6);
  });

  it('leaves 1 GB of memory to the system when there are at least 2 GB', () => {
    expect(agentResources(machine({ memoryBytes: 16 * GB })).bag.scalar('mem')).toBe(15 * 1024);
  });

  it('leaves 1 GB at exactly 2 GB', () => {
    expect(agentResources(machine({ memoryBytes: 2 * GB })).bag.scalar('mem')).toBe(1024);
  });

  it('offers half the memory below 2 GB', () => {
    expect(agentResources(machine({ memoryBytes: 1536 * MB })).bag.scalar('mem')).toBe(768);
  });

  it('truncates memory to whole megabytes', () => {
    const bytes = 4 * GB + 1.9 * MB;
    expect(agentResources(machine({ memoryBytes: bytes })).bag.scalar('mem')).toBe(3 * 1024 + 1);
  });

  it('leaves 5 GB of disk when there are at least 10 GB', () => {
    expect(agentResources(machine({ diskBytes: 100 * GB })).bag.scalar('disk')).toBe(95 * 1024);
  });

  it('offers half the disk below 10 GB', () => {
    expect(agentResources(machine({ diskBytes: 8 * GB })).bag.scalar('disk')).toBe(4 * 1024);
  });

  it('offers ports 31000-32000 by default', () => {
    expect(agentResources(machine()).bag.ranges('ports')).toEqual([[31000, 32000]]);
  });

  it("falls back to Mesos's defaults for what it cannot measure, and says which", () => {
    const result = agentResources({
      cpus: undefined,
      memoryBytes: undefined,
      diskBytes: undefined,
    });
    expect(result.bag.scalar('cpus')).toBe(1);
    expect(result.bag.scalar('mem')).toBe(DEFAULT_MEM_MB);
    expect(result.bag.scalar('disk')).toBe(DEFAULT_DISK_MB);
    expect(result.defaulted).toEqual(['cpus', 'mem', 'disk']);
  });

  it('writes Mesos v1 Resource objects for AgentInfo', () => {
    expect(agentResources(machine()).resources).toEqual([
      { name: 'cpus', type: 'SCALAR', scalar: { value: 8 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 15 * 1024 } },
      { name: 'disk', type: 'SCALAR', scalar: { value: 95 * 1024 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] } },
    ]);
  });
});

describe('--resources overrides', () => {
  it('replaces a detected resource by name and keeps the others', () => {
    const { bag } = agentResources(machine(), { resources: 'cpus:4;mem:2048' });
    expect(bag.scalar('cpus')).toBe(4);
    expect(bag.scalar('mem')).toBe(2048);
    expect(bag.scalar('disk')).toBe(95 * 1024);
  });

  it('replaces the default ports', () => {
    const { bag } = agentResources(machine(), { resources: 'ports:[8000-8100,9000-9001]' });
    expect(bag.ranges('ports')).toEqual([
      [8000, 8100],
      [9000, 9001],
    ]);
  });

  it('takes cpus:0 as no cpus, not as "detect them", as Mesos does', () => {
    const { bag } = agentResources(machine(), { resources: 'cpus:0' });
    expect(bag.scalar('cpus')).toBe(0);
    expect(bag.quantities().has('cpus')).toBe(false);
  });

  it('adds resources Mesos does not detect', () => {
    const { bag } = agentResources(machine(), { resources: 'gpus:2;zones:{a,b}' });
    expect(bag.scalar('gpus')).toBe(2);
    expect(bag.set('zones')).toEqual(['a', 'b']);
  });

  it('reserves parts written name(role) for that role', () => {
    const { bag } = agentResources(machine(), { resources: 'cpus(web):2;cpus:1' });
    expect(bag.allocatableTo('web').scalar('cpus')).toBe(3);
    expect(bag.unreserved().scalar('cpus')).toBe(1);
  });

  it('puts detected resources in the default role', () => {
    const { bag } = agentResources(machine(), { defaultRole: 'lab' });
    expect(bag.unreserved().isEmpty()).toBe(true);
    expect(bag.reservationRoles()).toEqual(['lab']);
  });

  it('reads the JSON form of the flag', () => {
    const { bag } = agentResources(machine(), {
      resources: '[{"name":"mem","type":"SCALAR","scalar":{"value":512}}]',
    });
    expect(bag.scalar('mem')).toBe(512);
    expect(bag.scalar('cpus')).toBe(8);
  });

  it('refuses bad syntax with MESOLITE_ERR_INVALID_RESOURCES', () => {
    expect(() => agentResources(machine(), { resources: 'cpus=4' })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_RESOURCES' }),
    );
  });

  it('refuses cpus written as ranges', () => {
    expect(() => agentResources(machine(), { resources: 'cpus:[1-4]' })).toThrow(
      /cpus is a number/,
    );
  });

  it('refuses ports written as a number', () => {
    expect(() => agentResources(machine(), { resources: 'ports:100' })).toThrow(/ports are ranges/);
  });
});

describe('probing this machine', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('measures cores, memory and disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-resources-'));
    const facts = await probeMachine(dir);
    expect(facts.cpus).toBeGreaterThanOrEqual(1);
    expect(facts.memoryBytes).toBeGreaterThan(0);
    expect(facts.diskBytes).toBeGreaterThan(0);
  });

  it('measures the disk of a work dir that does not exist yet', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-resources-'));
    const facts = await probeMachine(join(dir, 'not', 'yet'));
    expect(facts.diskBytes).toBeGreaterThan(0);
  });

  it('detects resources the agent can offer', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-resources-'));
    const { bag, defaulted } = await detectAgentResources({ workDir: dir, resources: 'mem:100' });
    expect(defaulted).toEqual([]);
    expect(bag.scalar('cpus')).toBeGreaterThanOrEqual(1);
    expect(bag.scalar('mem')).toBe(100);
    expect(bag.ranges('ports')).toEqual([[31000, 32000]]);
  });

  it('uses an injected probe', async () => {
    const { bag } = await detectAgentResources({
      workDir: '/nowhere',
      probe: async () => machine({ cpus: 3 }),
    });
    expect(bag.scalar('cpus')).toBe(3);
  });
});
