import {
  INITIAL_RETRY_MS,
  type QueuedUpdate,
  StatusUpdateQueue,
} from '@mesolite/daemon/master/status-update-queue';
import { describe, expect, it } from 'vitest';

function fakeTimers() {
  const pending: Array<{ fn: () => void; at: number; handle: number }> = [];
  let now = 0;
  let next = 0;
  return {
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const handle = next++;
        pending.push({ fn, at: now + ms, handle });
        return handle;
      },
      clearTimeout: (handle: unknown) => {
        const index = pending.findIndex((entry) => entry.handle === handle);
        if (index >= 0) pending.splice(index, 1);
      },
    },
    advance(ms: number) {
      now += ms;
      for (const entry of [...pending].sort((a, b) => a.at - b.at)) {
        if (entry.at > now) continue;
        pending.splice(pending.indexOf(entry), 1);
        entry.fn();
      }
    },
  };
}

function update(taskId: string, uuid: string, state = 'TASK_RUNNING' as const): QueuedUpdate {
  return {
    frameworkId: 'fw',
    agentId: 'agent',
    status: { task_id: { value: taskId }, state, uuid },
  };
}

function harness() {
  const forwarded: string[] = [];
  const acked: string[] = [];
  const clock = fakeTimers();
  const queue = new StatusUpdateQueue(
    {
      forward: (u) => {
        forwarded.push(u.status.uuid);
        return true;
      },
      acknowledged: (u) => acked.push(u.status.uuid),
    },
    clock.timers,
  );
  return { queue, forwarded, acked, clock };
}

describe('the status update queue', () => {
  it('forwards the first update of a task at once', () => {
    const { queue, forwarded } = harness();
    queue.enqueue(update('t', 'a'));
    expect(forwarded).toEqual(['a']);
  });

  it('holds the next update of the same task until the first is acknowledged', () => {
    const { queue, forwarded, acked } = harness();
    queue.enqueue(update('t', 'a'));
    queue.enqueue(update('t', 'b'));
    expect(forwarded).toEqual(['a']);
    queue.acknowledge('fw', 't', 'a');
    expect(acked).toEqual(['a']);
    expect(forwarded).toEqual(['a', 'b']);
  });

  it('does not hold one task behind another', () => {
    const { queue, forwarded } = harness();
    queue.enqueue(update('t1', 'a'));
    queue.enqueue(update('t2', 'b'));
    expect(forwarded).toEqual(['a', 'b']);
  });

  it('re-sends an unacknowledged update after 10 s, then backs off', () => {
    const { queue, forwarded, clock } = harness();
    queue.enqueue(update('t', 'a'));
    clock.advance(INITIAL_RETRY_MS - 1);
    expect(forwarded).toEqual(['a']);
    clock.advance(1);
    expect(forwarded).toEqual(['a', 'a']);
    clock.advance(INITIAL_RETRY_MS);
    expect(forwarded).toEqual(['a', 'a']);
    clock.advance(INITIAL_RETRY_MS);
    expect(forwarded).toEqual(['a', 'a', 'a']);
  });

  it('ignores an acknowledgement for an update that is not in flight', () => {
    const { queue, acked } = harness();
    queue.enqueue(update('t', 'a'));
    queue.enqueue(update('t', 'b'));
    expect(queue.acknowledge('fw', 't', 'b')).toBeUndefined();
    expect(acked).toEqual([]);
  });

  it('drops a duplicate of a queued update', () => {
    const { queue, forwarded } = harness();
    expect(queue.enqueue(update('t', 'a'))).toBe(true);
    expect(queue.enqueue(update('t', 'a'))).toBe(false);
    expect(forwarded).toEqual(['a']);
  });

  it('acknowledges again, without forwarding, an update the agent re-sends after it was acknowledged', () => {
    const { queue, forwarded, acked } = harness();
    queue.enqueue(update('t', 'a'));
    queue.acknowledge('fw', 't', 'a');
    queue.enqueue(update('t', 'a'));
    expect(forwarded).toEqual(['a']);
    expect(acked).toEqual(['a', 'a']);
  });
});
