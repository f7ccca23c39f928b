/**
 * Facts derived from a ClusterView that several renderers share, each answered the
 * way Mesos's master answers it, so that /master/state, the operator API and the
 * metrics never disagree about, say, which agents are "registered".
 */
import type { ExecutorInfo, MasterInfo, Offer, Task, TimeInfo } from '../../protocol/mesos.js';
import type { AgentRecord, ClusterView, FrameworkRecord } from '../model.js';

/**
 * An executor the master knows of (Mesos's `Framework::executors`). ClusterView does
 * not carry executors yet; a view that has them under `executors` (framework id to its
 * executors) gets them rendered, any other view renders none, which is also what Mesos
 * shows for command tasks, whose executors the master never tracks.
 */
export interface ExecutorRecord {
  readonly agentId: string;
  readonly info: ExecutorInfo;
}

export type RenderableView = ClusterView & {
  readonly executors?: ReadonlyMap<string, readonly ExecutorRecord[]>;
};

export function frameworkExecutors(
  view: RenderableView,
  frameworkId: string,
): readonly ExecutorRecord[] {
  return view.executors?.get(frameworkId) ?? [];
}

/**
 * Mesos keeps agents in three disjoint sets: `registered` (connected or not),
 * `recovered` (known from the registry after a failover, not yet re-registered) and
 * `unreachable`. Unreachable wins over recovered: a recovered agent that never comes
 * back is marked unreachable.
 */
export type AgentStanding = 'registered' | 'recovered' | 'unreachable';

export function agentStanding(agent: AgentRecord): AgentStanding {
  if (agent.unreachable) return 'unreachable';
  if (agent.recovered && !agent.connected) return 'recovered';
  return 'registered';
}

export function agentsIn(view: ClusterView, standing: AgentStanding): AgentRecord[] {
  return [...view.agents.values()].filter((agent) => agentStanding(agent) === standing);
}

export function registeredAgentIds(view: ClusterView): Set<string> {
  return new Set(agentsIn(view, 'registered').map((agent) => agent.id));
}

/**
 * Mesos's agent `active` is "connected and not deactivated"; mesolite has no operator
 * deactivation, so it is exactly `connected`.
 */
export function agentActive(agent: AgentRecord): boolean {
  return agent.connected;
}

/**
 * The model has no leadership flag; a master that was never elected has an
 * electedTime of 0 (Mesos's `electedTime` is None until then).
 */
export function isElected(view: ClusterView): boolean {
  return view.electedTime > 0;
}

/**
 * MasterInfo.ip is the IPv4 address as Mesos stores it, `in_addr.s_addr` read as a
 * little-endian uint32: 127.0.0.1 is 16777343.
 */
export function ipFromMasterInfo(ip: number): string {
  return [ip & 0xff, (ip >>> 8) & 0xff, (ip >>> 16) & 0xff, (ip >>> 24) & 0xff].join('.');
}

/** The libprocess pid `master@<ip>:<port>` that /master/state reports as `pid` and `leader`. */
export function masterPid(info: MasterInfo): string {
  if (info.pid !== undefined) return info.pid;
  const ip = info.address?.ip ?? ipFromMasterInfo(info.ip);
  return `master@${ip}:${info.port}`;
}

export function masterHostname(info: MasterInfo): string {
  return info.hostname ?? info.address?.hostname ?? '';
}

/**
 * Agents reach mesolite's master over its agent channel, not libprocess, so they have
 * no pid; tools (the Mesos web UI among them) take the agent's address from the part
 * after `@`, so it is built from the advertised hostname and port, in the form Mesos
 * agents use (`slave(1)@host:5051`).
 */
export function agentPid(agent: AgentRecord): string {
  return `slave(1)@${agent.info.hostname}:${agent.info.port ?? 5051}`;
}

/** v1 TimeInfo from the model's milliseconds. Nanoseconds beyond 2^53 round to a multiple of 256. */
export function timeInfo(ms: number): TimeInfo {
  return { nanoseconds: Math.round(ms * 1_000_000) };
}

/** v0 times are seconds as a double (`Time::secs()`). */
export function seconds(ms: number): number {
  return ms / 1000;
}

export function offersOf(view: ClusterView, frameworkId: string): Offer[] {
  return [...view.offers.values()].filter((offer) => offer.framework_id.value === frameworkId);
}

export function activeTasksOf(view: ClusterView, frameworkId: string): Task[] {
  return [...(view.tasks.get(frameworkId)?.values() ?? [])];
}

export function unreachableTasksOf(view: ClusterView, frameworkId: string): Task[] {
  return [...(view.unreachableTasks.get(frameworkId)?.values() ?? [])];
}

export function completedTasksOf(view: ClusterView, frameworkId: string): Task[] {
  return view.completedTasks.filter((task) => task.framework_id.value === frameworkId);
}

/** Active, unreachable and completed tasks of a framework, in that order. */
export function allTasksOf(view: ClusterView, frameworkId: string): Task[] {
  return [
    ...activeTasksOf(view, frameworkId),
    ...unreachableTasksOf(view, frameworkId),
    ...completedTasksOf(view, frameworkId),
  ];
}

/**
 * The role a framework's tasks are allocated to when their resources do not say:
 * its single role, or the first of its roles, or `*`.
 */
export function frameworkRole(framework: FrameworkRecord | undefined): string {
  return framework?.info.role ?? framework?.info.roles?.[0] ?? '*';
}

export function isMultiRole(framework: FrameworkRecord): boolean {
  return (framework.info.capabilities ?? []).some((capability) => capability.type === 'MULTI_ROLE');
}
