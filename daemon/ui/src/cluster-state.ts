/**
 * The parts of the operator API's GET_STATE answer the UI shows, and a pure mapping
 * from that answer to what the cluster page draws.
 */

interface Resource {
  name: string;
  type: string;
  scalar?: { value: number };
  ranges?: { range: { begin: number; end: number }[] };
}

interface TaskStatus {
  state: string;
  healthy?: boolean;
}

export interface StateTask {
  name: string;
  task_id: { value: string };
  framework_id: { value: string };
  agent_id?: { value: string };
  state: string;
  statuses?: TaskStatus[];
}

interface StateAgent {
  agent_info: {
    hostname: string;
    id?: { value: string };
    attributes?: { name: string; text?: { value: string }; scalar?: { value: number } }[];
  };
  active: boolean;
  /** Set while an agent that went away is being waited for (Mesos's deactivated agents). */
  deactivated?: boolean;
  total_resources?: Resource[];
  allocated_resources?: Resource[];
}

interface StateFramework {
  framework_info: { name: string; id?: { value: string } };
  active: boolean;
  connected?: boolean;
}

export interface GetState {
  get_state: {
    get_tasks?: { tasks?: StateTask[]; completed_tasks?: StateTask[] };
    get_frameworks?: { frameworks?: StateFramework[] };
    get_agents?: { agents?: StateAgent[] };
  };
}

export interface ResourceUse {
  used: number;
  total: number;
}

export interface AgentView {
  id: string;
  hostname: string;
  connected: boolean;
  cpus: ResourceUse;
  mem: ResourceUse;
  disk: ResourceUse;
  /** How many ports are in use of those offered. */
  ports: ResourceUse;
  attributes: string[];
  health: 'healthy' | 'disconnected';
}

export interface FrameworkView {
  id: string;
  name: string;
  active: boolean;
  tasks: number;
}

export interface TaskView {
  id: string;
  name: string;
  frameworkId: string;
  state: string;
  agent: string;
  /** The id of the agent it runs on; its files are read through the master at /agent/<id>/files/. */
  agentId: string;
  health: 'healthy' | 'unhealthy' | 'no check';
  /** The task's sandbox in the files API (Mesos attaches it under this short path). */
  sandbox: string;
}

export interface ClusterView {
  agents: AgentView[];
  frameworks: FrameworkView[];
  tasks: TaskView[];
  cpus: ResourceUse;
  mem: ResourceUse;
}

function scalar(resources: readonly Resource[] | undefined, name: string): number {
  let sum = 0;
  for (const resource of resources ?? []) {
    if (resource.name === name) sum += resource.scalar?.value ?? 0;
  }
  return sum;
}

function portCount(resources: readonly Resource[] | undefined): number {
  let count = 0;
  for (const resource of resources ?? []) {
    if (resource.name !== 'ports') continue;
    for (const range of resource.ranges?.range ?? []) count += range.end - range.begin + 1;
  }
  return count;
}

function use(agent: StateAgent, name: string): ResourceUse {
  return {
    used: scalar(agent.allocated_resources, name),
    total: scalar(agent.total_resources, name),
  };
}

export function clusterView(state: GetState): ClusterView {
  const agents = (state.get_state.get_agents?.agents ?? []).map(
    (agent): AgentView => ({
      id: agent.agent_info.id?.value ?? agent.agent_info.hostname,
      hostname: agent.agent_info.hostname,
      connected: agent.active,
      cpus: use(agent, 'cpus'),
      mem: use(agent, 'mem'),
      disk: use(agent, 'disk'),
      ports: {
        used: portCount(agent.allocated_resources),
        total: portCount(agent.total_resources),
      },
      health: agent.active && !agent.deactivated ? 'healthy' : 'disconnected',
      attributes: (agent.agent_info.attributes ?? []).map(
        (attribute) =>
          `${attribute.name}:${attribute.text?.value ?? attribute.scalar?.value ?? ''}`,
      ),
    }),
  );
  const hostnames = new Map(agents.map((agent) => [agent.id, agent.hostname]));
  const tasks = (state.get_state.get_tasks?.tasks ?? []).map((task): TaskView => {
    const last = task.statuses?.[task.statuses.length - 1];
    const agentId = task.agent_id?.value ?? '';
    // Command tasks run under an executor named for the task, as Mesos's do.
    const sandbox = `/frameworks/${task.framework_id.value}/executors/${task.task_id.value}/runs/latest`;
    return {
      id: task.task_id.value,
      name: task.name,
      frameworkId: task.framework_id.value,
      state: task.state,
      agent: hostnames.get(agentId) ?? agentId,
      agentId,
      health: last?.healthy === undefined ? 'no check' : last.healthy ? 'healthy' : 'unhealthy',
      sandbox,
    };
  });
  const frameworks = (state.get_state.get_frameworks?.frameworks ?? []).map(
    (framework): FrameworkView => {
      const id = framework.framework_info.id?.value ?? '';
      return {
        id,
        name: framework.framework_info.name,
        active: framework.active,
        tasks: tasks.filter((task) => task.frameworkId === id).length,
      };
    },
  );
  const sum = (pick: (agent: AgentView) => ResourceUse): ResourceUse =>
    agents.reduce(
      (total, agent) => ({
        used: total.used + pick(agent).used,
        total: total.total + pick(agent).total,
      }),
      { used: 0, total: 0 },
    );
  return {
    agents,
    frameworks,
    tasks,
    cpus: sum((agent) => agent.cpus),
    mem: sum((agent) => agent.mem),
  };
}
