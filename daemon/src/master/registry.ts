/**
 * The master's registry: what must outlive a master process. Agents admitted,
 * frameworks with their ids and failover timeouts, and the last known state of
 * every active task, so a restarted master knows its cluster before agents and
 * frameworks come back. Agents and frameworks are written through and awaited
 * (rare, and their ids are handed out only once stored); task states are written
 * in one batch per turn of the event loop, since agents hold the truth about tasks
 * and re-send it when they re-register.
 */
import type { AgentInfo, FrameworkInfo, Task } from '../protocol/mesos.js';
import type { BatchOperation, JsonValue, Store } from '../store/store.js';

export interface StoredAgent {
  info: AgentInfo & { id: { value: string } };
  registeredTime: number;
  unreachableTime?: number;
  gone?: boolean;
}

export interface StoredFramework {
  info: FrameworkInfo & { id: { value: string } };
  registeredTime: number;
}

export interface RecoveredRegistry {
  agents: StoredAgent[];
  frameworks: StoredFramework[];
  tasks: Task[];
  weights: Map<string, number>;
}

const AGENTS = 'agents/';
const FRAMEWORKS = 'frameworks/';
const TASKS = 'tasks/';
const WEIGHTS = 'weights/';

function asJson(value: unknown): JsonValue {
  return value as JsonValue;
}

export class Registry {
  private pending = new Map<string, BatchOperation>();
  private flushing: Promise<void> | undefined;
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
  ) {}

  async recover(): Promise<RecoveredRegistry> {
    const agents: StoredAgent[] = [];
    for await (const [, value] of this.store.entries(AGENTS)) agents.push(value as never);
    const frameworks: StoredFramework[] = [];
    for await (const [, value] of this.store.entries(FRAMEWORKS)) frameworks.push(value as never);
    const tasks: Task[] = [];
    for await (const [, value] of this.store.entries(TASKS)) tasks.push(value as never);
    const weights = new Map<string, number>();
    for await (const [key, value] of this.store.entries(WEIGHTS)) {
      if (typeof value === 'number')
        weights.set(decodeURIComponent(key.slice(WEIGHTS.length)), value);
    }
    return { agents, frameworks, tasks, weights };
  }

  putAgent(agent: StoredAgent): Promise<void> {
    return this.store.put(`${AGENTS}${agent.info.id.value}`, asJson(agent));
  }

  removeAgent(agentId: string): Promise<void> {
    return this.store.del(`${AGENTS}${agentId}`);
  }

  putFramework(framework: StoredFramework): Promise<void> {
    return this.store.put(`${FRAMEWORKS}${framework.info.id.value}`, asJson(framework));
  }

  removeFramework(frameworkId: string): Promise<void> {
    return this.store.del(`${FRAMEWORKS}${frameworkId}`);
  }

  /** Role weights, all or none: an UPDATE_WEIGHTS is one atomic batch. */
  putWeights(weights: ReadonlyArray<{ role: string; weight: number }>): Promise<void> {
    return this.store.batch(
      weights.map(({ role, weight }) => ({
        type: 'put' as const,
        key: `${WEIGHTS}${encodeURIComponent(role)}`,
        value: weight,
      })),
    );
  }

  putTask(task: Task): void {
    const key = taskKey(task.framework_id.value, task.task_id.value);
    this.pending.set(key, { type: 'put', key, value: asJson(task) });
    this.schedule();
  }

  removeTask(frameworkId: string, taskId: string): void {
    const key = taskKey(frameworkId, taskId);
    this.pending.set(key, { type: 'del', key });
    this.schedule();
  }

  /** Resolves once every task write made so far is durable. */
  async flush(): Promise<void> {
    while (this.flushing || this.pending.size > 0) {
      if (this.flushing) await this.flushing;
      else this.write();
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.flushing) this.write();
    });
  }

  private write(): void {
    if (this.pending.size === 0) return;
    const operations = [...this.pending.values()];
    this.pending = new Map();
    this.flushing = this.store
      .batch(operations)
      .catch(this.onError)
      .finally(() => {
        this.flushing = undefined;
        if (this.pending.size > 0) this.schedule();
      });
  }
}

function taskKey(frameworkId: string, taskId: string): string {
  return `${TASKS}${encodeURIComponent(frameworkId)}/${encodeURIComponent(taskId)}`;
}
