import { reconcileJob } from '@mesolite/plugin-aurora/scheduler/reconcile';
import { AURORA_PENALTIES } from '@mesolite/plugin-aurora/scheduler/reschedule-penalty';
import { describe, expect, it } from 'vitest';
import { job, process, task } from '../thermos/task-fixtures.js';
import { jobRecord, taskRecord } from './record-fixtures.js';

const service = job('x', task([process('p', 'x')]), { service: true, instances: 2 });
const batch = job('x', task([process('p', 'x')]), { max_task_failures: 2 });
const NOW = 1_000_000;

describe('the keep-alive decision', () => {
  it('creates a task for every instance that has none', () => {
    const decision = reconcileJob(jobRecord(service), [], NOW, AURORA_PENALTIES);
    expect(decision.create.map((c) => c.instance)).toEqual([0, 1]);
    expect(decision.create.every((c) => c.notBefore === NOW)).toBe(true);
  });

  it('reschedules a service whose task ended, after the flapping penalty when it ran briefly', () => {
    const ended = taskRecord(0, 'FINISHED', { startedAt: NOW - 2000, endedAt: NOW - 1000 });
    const running = taskRecord(1, 'RUNNING');
    const decision = reconcileJob(jobRecord(service), [ended, running], NOW, AURORA_PENALTIES);
    expect(decision.create).toEqual([
      {
        instance: 0,
        target: { version: 'v1', generation: 0 },
        notBefore: NOW - 1000 + 30_000,
        penaltyMs: 30_000,
        failureCount: 0,
      },
    ]);
  });

  it('doubles the penalty of a task that flaps again, up to the maximum', () => {
    const ended = taskRecord(0, 'FAILED', { startedAt: 0, endedAt: 1, penaltyMs: 240_000 });
    const decision = reconcileJob(jobRecord(service, 'v1', 1), [ended], NOW, AURORA_PENALTIES);
    expect(decision.create[0]?.penaltyMs).toBe(300_000);
  });

  it('replaces a service task that ran longer than the flapping threshold at once', () => {
    const ended = taskRecord(0, 'FAILED', { startedAt: 0, endedAt: 600_000 });
    const decision = reconcileJob(jobRecord(service, 'v1', 1), [ended], NOW, AURORA_PENALTIES);
    expect(decision.create[0]?.penaltyMs).toBe(0);
  });

  it('leaves a finished batch instance alone and retries a failed one up to max_task_failures', () => {
    const finished = taskRecord(0, 'FINISHED');
    expect(reconcileJob(jobRecord(batch), [finished], NOW, AURORA_PENALTIES).create).toEqual([]);
    const failedOnce = taskRecord(0, 'FAILED', { failureCount: 0 });
    expect(reconcileJob(jobRecord(batch), [failedOnce], NOW, AURORA_PENALTIES).create).toHaveLength(
      1,
    );
    const failedTwice = taskRecord(0, 'FAILED', { failureCount: 1 });
    expect(reconcileJob(jobRecord(batch), [failedTwice], NOW, AURORA_PENALTIES).create).toEqual([]);
  });

  it('kills a task of an older generation and creates its replacement only once it has ended', () => {
    const record = jobRecord(service, 'v1', 1);
    record.instances['0'] = { version: 'v1', generation: 1 };
    const old = taskRecord(0, 'RUNNING');
    const first = reconcileJob(record, [old], NOW, AURORA_PENALTIES);
    expect(first).toEqual({ create: [], kill: [old.taskId] });
    const killed = { ...old, status: 'KILLED' as const, killing: true };
    expect(reconcileJob(record, [killed], NOW, AURORA_PENALTIES).create[0]?.target).toEqual({
      version: 'v1',
      generation: 1,
    });
  });

  it('kills the tasks of instances the job no longer has', () => {
    const record = jobRecord(service, 'v1', 1);
    const extra = taskRecord(5, 'RUNNING');
    expect(
      reconcileJob(record, [taskRecord(0, 'RUNNING'), extra], NOW, AURORA_PENALTIES).kill,
    ).toEqual([extra.taskId]);
  });
});
