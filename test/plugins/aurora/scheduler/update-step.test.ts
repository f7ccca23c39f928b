import type { TaskRecord } from '@mesolite/plugin-aurora/state/records';
import { controlUpdate, updateStep } from '@mesolite/plugin-aurora/updates/update-step';
import { describe, expect, it } from 'vitest';
import { taskRecord, updateRecord } from './record-fixtures.js';

const facts = (tasks: TaskRecord[], now: number, healthChecked = false) => ({
  tasks,
  healthChecked: () => healthChecked,
  now,
});

const v2 = { version: 'v2', generation: 0 };

describe('a rolling update step', () => {
  it('moves one batch of batch_size instances at a time', () => {
    const step = updateStep(updateRecord([0, 1, 2], { batch_size: 2 }), facts([], 0));
    expect(step.targets).toEqual({ '0': v2, '1': v2 });
    expect(step.update.instances['2']?.status).toBe('PENDING');
  });

  it('starts the next instance as soon as one of the batch is done, unless told to wait for the batch', () => {
    const settings = { batch_size: 2, watch_secs: 0 };
    const running = taskRecord(0, 'RUNNING', { version: 'v2' });
    const sliding = updateStep(updateRecord([0, 1, 2], settings), facts([], 0)).update;
    expect(updateStep(sliding, facts([running], 1)).update.instances['0']?.status).toBe(
      'SUCCEEDED',
    );
    const next = updateStep(updateStep(sliding, facts([running], 1)).update, facts([running], 2));
    expect(next.targets).toEqual({ '2': v2 });
    const strict = updateStep(
      updateRecord([0, 1, 2], { ...settings, wait_for_batch_completion: true }),
      facts([], 0),
    ).update;
    const waiting = updateStep(updateStep(strict, facts([running], 1)).update, facts([running], 2));
    expect(waiting.targets).toEqual({});
  });

  it('counts an instance done once its new task has run for watch_secs', () => {
    let update = updateStep(updateRecord([0, 1]), facts([], 0)).update;
    const running = taskRecord(0, 'RUNNING', { version: 'v2' });
    update = updateStep(update, facts([running], 1000)).update;
    expect(update.instances['0']?.watchStart).toBe(1000);
    update = updateStep(update, facts([running], 10_999)).update;
    expect(update.instances['0']?.status).toBe('UPDATING');
    const step = updateStep(update, facts([running], 11_000));
    expect(step.update.instances['0']?.status).toBe('SUCCEEDED');
    expect(updateStep(step.update, facts([running], 11_001)).targets).toEqual({ '1': v2 });
  });

  it('waits for health when the job is health-checked', () => {
    let update = updateStep(updateRecord([0]), facts([], 0)).update;
    const unhealthy = taskRecord(0, 'RUNNING', { version: 'v2', healthy: false });
    update = updateStep(update, facts([unhealthy], 1000, true)).update;
    expect(update.instances['0']?.watchStart).toBeUndefined();
    const healthy = { ...unhealthy, healthy: true };
    update = updateStep(update, facts([healthy], 2000, true)).update;
    expect(update.instances['0']?.watchStart).toBe(2000);
  });

  it('rolls back the instances it touched when a new task fails past the limits', () => {
    let update = updateStep(updateRecord([0, 1]), facts([], 0)).update;
    const failed = taskRecord(0, 'FAILED', { version: 'v2' });
    const step = updateStep(update, facts([failed], 1000));
    update = step.update;
    expect(update.status).toBe('ROLLING_BACK');
    expect(Object.keys(update.instances)).toEqual(['0']);
    const back = updateStep(update, facts([failed], 1001));
    expect(back.targets).toEqual({ '0': { version: 'v1', generation: 0 } });
  });

  it('tolerates max_per_shard_failures failures of an instance', () => {
    let update = updateStep(updateRecord([0], { max_per_shard_failures: 1 }), facts([], 0)).update;
    const failed = taskRecord(0, 'FAILED', { version: 'v2' });
    update = updateStep(update, facts([failed], 1000)).update;
    expect(update.status).toBe('ROLLING_FORWARD');
    expect(update.instances['0']?.failures).toBe(1);
  });

  it('fails without rolling back when rollback_on_failure is off', () => {
    let update = updateStep(updateRecord([0], { rollback_on_failure: false }), facts([], 0)).update;
    update = updateStep(update, facts([taskRecord(0, 'FAILED', { version: 'v2' })], 1)).update;
    expect(update.status).toBe('FAILED');
  });

  it('pauses, resumes and aborts as Aurora allows, and refuses the rest', () => {
    const paused = controlUpdate(updateRecord([0]), 'pause', 1);
    expect(paused?.status).toBe('ROLL_FORWARD_PAUSED');
    expect(paused && updateStep(paused, facts([], 2)).targets).toEqual({});
    expect(paused && controlUpdate(paused, 'resume', 3)?.status).toBe('ROLLING_FORWARD');
    expect(paused && controlUpdate(paused, 'pause', 3)).toBeUndefined();
    expect(controlUpdate(updateRecord([0]), 'abort', 4)?.status).toBe('ABORTED');
  });
});
