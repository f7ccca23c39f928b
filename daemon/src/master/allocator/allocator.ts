/**
 * The master's allocator: Dominant Resource Fairness as Mesos's hierarchical allocator
 * applies it. Each round visits the active agents with free resources in a shuffled
 * order and offers all of an agent's free resources to the eligible framework whose
 * role has the lowest weighted dominant share and which has the lowest dominant share
 * within its role. Eligible: connected (active), not suppressed, and not holding an
 * unexpired filter on that agent that covers the resources.
 *
 * Pure bookkeeping, no I/O and no timers: time comes from the injected clock, and the
 * master decides when to run a round (periodically, and for the agents an event freed
 * resources on). Offered resources count as allocated until they are recovered
 * (declined, rescinded, or freed by a task that ended), as in Mesos.
 */
import { ResourceBag, roleProblem } from '../resources/resource-bag.js';
import {
  AgentExistsError,
  FrameworkExistsError,
  InvalidRoleError,
  InvalidRoleWeightError,
  NotAllocatedError,
  UnknownAgentError,
  UnknownFrameworkError,
} from './allocator-errors.js';
import { DrfSorter, type Quantities } from './drf-sorter.js';

export interface AllocatorOptions {
  /** Milliseconds since the epoch; filters expire by this clock. */
  now?: () => number;
  /** A number in [0, 1), for the agent shuffle; inject a seeded one for repeatable runs. */
  random?: () => number;
  /**
   * Mesos's --min_allocatable_resources: an offer must hold at least one of these
   * quantities, so that a few leftover ports are not offered on their own. Defaults to
   * Mesos's `cpus:0.01|mem:32`; an empty list offers anything not empty.
   */
  minAllocatable?: ReadonlyArray<Readonly<Record<string, number>>>;
}

export interface FrameworkOptions {
  role: string;
  /** A framework that subscribed with its roles suppressed gets no offers until it revives. */
  suppressed?: boolean;
  /** False for a framework known from the registry that has not reconnected yet. */
  active?: boolean;
}

/** Resources offered to one framework on one agent by a round. */
export interface Allocation {
  frameworkId: string;
  agentId: string;
  resources: ResourceBag;
}

export interface FrameworkAllocation {
  frameworkId: string;
  role: string;
  active: boolean;
  suppressed: boolean;
  dominantShare: number;
  /** Scalar quantities offered to or used by the framework, summed over agents. */
  allocated: Record<string, number>;
}

export interface RoleAllocation {
  role: string;
  weight: number;
  dominantShare: number;
  /** `dominantShare / weight`: what roles are ordered by. */
  weightedShare: number;
  allocated: Record<string, number>;
  frameworks: number;
}

export interface AgentAllocation {
  agentId: string;
  active: boolean;
  total: ResourceBag;
  allocated: ResourceBag;
  free: ResourceBag;
}

interface OfferFilter {
  /** The refused resources: the filter holds while what would be offered is within them. */
  readonly resources: ResourceBag;
  readonly expiresAt: number;
}

interface AgentState {
  readonly id: string;
  total: ResourceBag;
  allocated: ResourceBag;
  free: ResourceBag;
  active: boolean;
  readonly byFramework: Map<string, ResourceBag>;
  /** Position in the allocator's agent list, for O(1) removal. */
  slot: number;
}

interface FrameworkState {
  readonly id: string;
  readonly role: string;
  active: boolean;
  suppressed: boolean;
  readonly byAgent: Map<string, ResourceBag>;
  /** Offer filters by agent id, created on the first refusal. */
  filters: Map<string, OfferFilter[]> | undefined;
}

const MESOS_MIN_ALLOCATABLE: ReadonlyArray<Readonly<Record<string, number>>> = [
  { cpus: 0.01 },
  { mem: 32 },
];

export class Allocator {
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly minAllocatable: ReadonlyArray<ReadonlyArray<readonly [string, number]>>;
  private readonly sorter = new DrfSorter();
  private readonly agents = new Map<string, AgentState>();
  private readonly agentList: AgentState[] = [];
  private readonly frameworks = new Map<string, FrameworkState>();

  constructor(options: AllocatorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.minAllocatable = (options.minAllocatable ?? MESOS_MIN_ALLOCATABLE).map((quantities) =>
      Object.entries(quantities),
    );
  }

  // ------------------------------------------------------------------ agents

  hasAgent(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  /**
   * Adds an agent with its total resources and, for an agent that re-registers with
   * running tasks, what each framework already uses there.
   */
  addAgent(agentId: string, total: ResourceBag, used?: ReadonlyMap<string, ResourceBag>): void {
    if (this.agents.has(agentId)) throw new AgentExistsError(agentId);
    const users: Array<[FrameworkState, ResourceBag]> = [];
    for (const [frameworkId, resources] of used ?? []) {
      users.push([this.framework(frameworkId), resources]);
    }
    const agent: AgentState = {
      id: agentId,
      total,
      allocated: ResourceBag.EMPTY,
      free: total,
      active: true,
      byFramework: new Map(),
      slot: this.agentList.length,
    };
    this.agents.set(agentId, agent);
    this.agentList.push(agent);
    this.sorter.addTotal(total.quantities());
    for (const [framework, resources] of users) this.track(framework, agent, resources);
  }

  /** Removes an agent; what frameworks held on it is gone with it. */
  removeAgent(agentId: string): void {
    const agent = this.agent(agentId);
    for (const [frameworkId, resources] of agent.byFramework) {
      this.frameworks.get(frameworkId)?.byAgent.delete(agentId);
      this.sorter.unallocated(frameworkId, resources.quantities());
    }
    for (const framework of this.frameworks.values()) framework.filters?.delete(agentId);
    this.sorter.removeTotal(agent.total.quantities());
    this.agents.delete(agentId);
    const last = this.agentList.pop();
    if (last !== undefined && last !== agent) {
      this.agentList[agent.slot] = last;
      last.slot = agent.slot;
    }
  }

  /**
   * Replaces an agent's total. When it shrinks below what is allocated there, nothing
   * is free until enough comes back.
   */
  updateAgentTotal(agentId: string, total: ResourceBag): void {
    const agent = this.agent(agentId);
    this.sorter.removeTotal(agent.total.quantities());
    this.sorter.addTotal(total.quantities());
    agent.total = total;
    agent.free = total.difference(agent.allocated);
  }

  /** An agent that cannot be reached keeps its resources in the cluster's total but gets no offers. */
  deactivateAgent(agentId: string): void {
    this.agent(agentId).active = false;
  }

  activateAgent(agentId: string): void {
    this.agent(agentId).active = true;
  }

  // -------------------------------------------------------------- frameworks

  hasFramework(frameworkId: string): boolean {
    return this.frameworks.has(frameworkId);
  }

  addFramework(frameworkId: string, options: FrameworkOptions): void {
    if (this.frameworks.has(frameworkId)) throw new FrameworkExistsError(frameworkId);
    const problem = roleProblem(options.role);
    if (problem !== undefined) throw new InvalidRoleError(options.role, problem);
    const framework: FrameworkState = {
      id: frameworkId,
      role: options.role,
      active: options.active ?? true,
      suppressed: options.suppressed ?? false,
      byAgent: new Map(),
      filters: undefined,
    };
    this.frameworks.set(frameworkId, framework);
    this.sorter.add(frameworkId, options.role);
    this.sort(framework);
  }

  /** Removes a framework; everything it held is free again. */
  removeFramework(frameworkId: string): void {
    const framework = this.framework(frameworkId);
    for (const agentId of framework.byAgent.keys()) {
      const agent = this.agents.get(agentId);
      if (agent === undefined) continue;
      agent.byFramework.delete(frameworkId);
      this.recomputeAgent(agent);
    }
    this.sorter.remove(frameworkId);
    this.frameworks.delete(frameworkId);
  }

  /** A connected framework is offered resources again. */
  activateFramework(frameworkId: string): void {
    const framework = this.framework(frameworkId);
    framework.active = true;
    this.sort(framework);
  }

  /** A disconnected framework keeps what it holds but gets no offers. */
  deactivateFramework(frameworkId: string): void {
    const framework = this.framework(frameworkId);
    framework.active = false;
    this.sort(framework);
  }

  /** SUPPRESS: no offers until REVIVE. */
  suppress(frameworkId: string): void {
    const framework = this.framework(frameworkId);
    framework.suppressed = true;
    this.sort(framework);
  }

  /** REVIVE: offers again, and every filter the framework set is dropped, as in Mesos. */
  revive(frameworkId: string): void {
    const framework = this.framework(frameworkId);
    framework.suppressed = false;
    framework.filters = undefined;
    this.sort(framework);
  }

  /** A role's weight (default 1): a role of weight 2 is entitled to twice the share. */
  setRoleWeight(role: string, weight: number): void {
    if (!Number.isFinite(weight) || weight <= 0) throw new InvalidRoleWeightError(role, weight);
    const problem = roleProblem(role);
    if (problem !== undefined) throw new InvalidRoleError(role, problem);
    this.sorter.setWeight(role, weight);
  }

  // -------------------------------------------------------------- allocation

  /**
   * Runs an allocation round over all agents, or only the given ones (after an event
   * freed resources there), and returns what to offer. A lone string is one agent id.
   */
  allocate(agentIds?: Iterable<string>): Allocation[];
  /**
   * Records that a framework uses resources on an agent, e.g. a running task found
   * again after a restart. They count as allocated even beyond what is free.
   */
  allocate(frameworkId: string, agentId: string, resources: ResourceBag): void;
  allocate(
    first?: Iterable<string>,
    agentId?: string,
    resources?: ResourceBag,
  ): Allocation[] | undefined {
    if (typeof first === 'string') {
      if (agentId !== undefined && resources !== undefined) {
        this.track(this.framework(first), this.agent(agentId), resources);
        return undefined;
      }
      return this.round([first]);
    }
    return this.round(first);
  }

  /**
   * Resources come back: a declined or rescinded offer, or a task that ended. With
   * `refuseSeconds` > 0 the framework is not offered them on that agent again until
   * the filter expires, unless more becomes free there than it refused (Mesos's
   * refused-offer filter holds only while the offer would be within what was refused).
   * Resources of a framework or agent already removed are ignored, as Mesos does.
   */
  recover(frameworkId: string, agentId: string, resources: ResourceBag, refuseSeconds = 0): void {
    const framework = this.frameworks.get(frameworkId);
    const agent = this.agents.get(agentId);
    if (framework === undefined || agent === undefined || resources.isEmpty()) return;
    const held = agent.byFramework.get(frameworkId) ?? ResourceBag.EMPTY;
    if (!held.contains(resources)) {
      throw new NotAllocatedError(frameworkId, agentId, resources.toString(), held.toString());
    }
    this.hold(framework, agent, held.subtract(resources));
    agent.allocated = agent.allocated.difference(resources);
    agent.free = agent.total.difference(agent.allocated);
    this.sorter.unallocated(frameworkId, resources.quantities());

    if (refuseSeconds > 0) {
      const filter = { resources, expiresAt: this.now() + refuseSeconds * 1000 };
      framework.filters ??= new Map();
      const filters = framework.filters.get(agentId);
      if (filters === undefined) framework.filters.set(agentId, [filter]);
      else filters.push(filter);
    }
  }

  // ----------------------------------------------------------------- reading

  /** A framework's dominant share and allocated quantities, for /metrics and the UI. */
  frameworkAllocation(frameworkId: string): FrameworkAllocation {
    const framework = this.framework(frameworkId);
    const sorted = this.sorter.client(frameworkId);
    return {
      frameworkId,
      role: framework.role,
      active: framework.active,
      suppressed: framework.suppressed,
      dominantShare: sorted?.share ?? 0,
      allocated: record(sorted?.allocated),
    };
  }

  frameworkAllocations(): FrameworkAllocation[] {
    return [...this.frameworks.keys()].map((id) => this.frameworkAllocation(id));
  }

  /** What a framework holds on each agent (offered or in use), by agent id. */
  frameworkResources(frameworkId: string): ReadonlyMap<string, ResourceBag> {
    return this.framework(frameworkId).byAgent;
  }

  /** A role's shares; a role without frameworks reports its weight and nothing allocated. */
  roleAllocation(role: string): RoleAllocation {
    const sorted = this.sorter.role(role);
    const share = sorted?.share ?? 0;
    const weight = this.sorter.weight(role);
    return {
      role,
      weight,
      dominantShare: share,
      weightedShare: share / weight,
      allocated: record(sorted?.allocated),
      frameworks: sorted?.members ?? 0,
    };
  }

  /** Every role that has frameworks. */
  roleAllocations(): RoleAllocation[] {
    return this.sorter.roleNames().map((role) => this.roleAllocation(role));
  }

  agentAllocation(agentId: string): AgentAllocation {
    const agent = this.agent(agentId);
    return {
      agentId,
      active: agent.active,
      total: agent.total,
      allocated: agent.allocated,
      free: agent.free,
    };
  }

  /** The cluster's total scalar quantities, which shares are fractions of. */
  totalQuantities(): Record<string, number> {
    return record(this.sorter.totalQuantities());
  }

  // ---------------------------------------------------------------- internal

  private round(agentIds: Iterable<string> | undefined): Allocation[] {
    const order: AgentState[] = [];
    if (agentIds === undefined) {
      for (const agent of this.agentList)
        if (agent.active && !agent.free.isEmpty()) order.push(agent);
    } else {
      const seen = new Set<string>();
      for (const id of agentIds) {
        const agent = this.agents.get(id);
        if (agent?.active && !agent.free.isEmpty() && !seen.has(id)) order.push(agent);
        seen.add(id);
      }
    }
    // Mesos shuffles agents every round so that no framework always sees the same ones first.
    shuffle(order, this.random);
    const now = this.now();
    const allocations: Allocation[] = [];
    for (const agent of order) this.offerAgent(agent, now, allocations);
    return allocations;
  }

  /**
   * Offers an agent's free resources: all unreserved ones, with the reservations its role
   * may use, to the first eligible framework in DRF order; then any reservations left to
   * frameworks of the roles they are for.
   */
  private offerAgent(agent: AgentState, now: number, allocations: Allocation[]): void {
    // What is offered is part of what is free, so if all of it is too little, so is any part.
    if (!this.isAllocatable(agent.free)) return;
    while (!agent.free.isEmpty()) {
      const free = agent.free;
      let candidate = free;
      let checked: ResourceBag | undefined;
      let allocatable = false;
      const frameworkId = this.sorter.find(
        (role) => {
          candidate = free.allocatableTo(role);
          if (candidate !== checked) {
            checked = candidate;
            allocatable = this.isAllocatable(candidate);
          }
          return allocatable;
        },
        (id) => !this.isFiltered(id, agent.id, candidate, now),
      );
      const framework = frameworkId === undefined ? undefined : this.frameworks.get(frameworkId);
      if (framework === undefined) return;
      this.track(framework, agent, candidate);
      allocations.push({ frameworkId: framework.id, agentId: agent.id, resources: candidate });
    }
  }

  private isAllocatable(resources: ResourceBag): boolean {
    if (resources.isEmpty()) return false;
    if (this.minAllocatable.length === 0) return true;
    const quantities = resources.quantities();
    return this.minAllocatable.some((minimum) =>
      minimum.every(([name, amount]) => (quantities.get(name) ?? 0) >= amount),
    );
  }

  private isFiltered(
    frameworkId: string,
    agentId: string,
    resources: ResourceBag,
    now: number,
  ): boolean {
    const framework = this.frameworks.get(frameworkId);
    const filters = framework?.filters?.get(agentId);
    if (framework === undefined || filters === undefined) return false;
    const live = filters.filter((filter) => filter.expiresAt > now);
    if (live.length === 0) framework.filters?.delete(agentId);
    else if (live.length < filters.length) framework.filters?.set(agentId, live);
    return live.some((filter) => filter.resources.contains(resources));
  }

  private track(framework: FrameworkState, agent: AgentState, resources: ResourceBag): void {
    if (resources.isEmpty()) return;
    this.hold(
      framework,
      agent,
      (agent.byFramework.get(framework.id) ?? ResourceBag.EMPTY).add(resources),
    );
    agent.allocated = agent.allocated.add(resources);
    agent.free = agent.free.difference(resources);
    this.sorter.allocated(framework.id, resources.quantities());
  }

  private hold(framework: FrameworkState, agent: AgentState, resources: ResourceBag): void {
    if (resources.isEmpty()) {
      agent.byFramework.delete(framework.id);
      framework.byAgent.delete(agent.id);
    } else {
      agent.byFramework.set(framework.id, resources);
      framework.byAgent.set(agent.id, resources);
    }
  }

  private recomputeAgent(agent: AgentState): void {
    let allocated = ResourceBag.EMPTY;
    for (const resources of agent.byFramework.values()) allocated = allocated.add(resources);
    agent.allocated = allocated;
    agent.free = agent.total.difference(allocated);
  }

  /** In the DRF ordering exactly when it may be offered something. */
  private sort(framework: FrameworkState): void {
    if (framework.active && !framework.suppressed) this.sorter.activate(framework.id);
    else this.sorter.deactivate(framework.id);
  }

  private agent(agentId: string): AgentState {
    const agent = this.agents.get(agentId);
    if (agent === undefined) throw new UnknownAgentError(agentId);
    return agent;
  }

  private framework(frameworkId: string): FrameworkState {
    const framework = this.frameworks.get(frameworkId);
    if (framework === undefined) throw new UnknownFrameworkError(frameworkId);
    return framework;
  }
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
}

function record(quantities: Quantities | undefined): Record<string, number> {
  return Object.fromEntries(quantities ?? []);
}
