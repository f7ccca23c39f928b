import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  liveGroupMembers,
  readProcStatSync,
  signalGroup,
} from '@mesolite/daemon/agent/process/proc-stat';
import { afterEach, describe, expect, it } from 'vitest';

/** A shell leading a group of its own with two sleeps in it, as a task's wrapper would. */
function group(): ChildProcess {
  const child = spawn('/bin/sh', ['-c', 'sleep 300 & sleep 300 & wait'], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  return child;
}

describe('live members of a process group', () => {
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) signalGroup(Number(child.pid), 'SIGKILL');
  });

  it('answers each of many concurrent callers with its own group', async () => {
    const groups = Array.from({ length: 5 }, group);
    started.push(...groups);
    await Promise.all(groups.map((child) => once(child, 'spawn')));
    // The shell starts its sleeps after spawn() returns: wait until each group holds three.
    let answers: number[][] = [];
    for (let round = 0; round < 100; round++) {
      answers = await Promise.all(groups.map((child) => liveGroupMembers(Number(child.pid))));
      if (answers.every((members) => members.length === 3)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const [index, members] of answers.entries()) {
      expect(members).toHaveLength(3);
      expect(members).toContain(groups[index]?.pid);
    }
  });

  it('does not answer a caller with a scan that began before it asked', async () => {
    const child = group();
    started.push(child);
    await once(child, 'spawn');
    const pgid = Number(child.pid);
    let members: number[] = [];
    for (let round = 0; round < 100 && members.length < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      members = await liveGroupMembers(pgid);
    }
    expect(members).toHaveLength(3);
    // Scans begun and queued while the group still runs...
    const earlier = Array.from({ length: 20 }, () => liveGroupMembers(pgid));
    await new Promise((resolve) => setImmediate(resolve));
    signalGroup(pgid, 'SIGKILL');
    // ...then every member dead (gone, or a zombie pid 1 has yet to reap) before asking again.
    const deadline = Date.now() + 5000;
    const running = (pid: number) => {
      const state = readProcStatSync(pid)?.state;
      return state !== undefined && state !== 'Z' && state !== 'X';
    };
    while (members.some(running) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await liveGroupMembers(pgid)).toEqual([]);
    await Promise.all(earlier);
  });
});
