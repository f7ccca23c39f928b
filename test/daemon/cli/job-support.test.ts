import { postingOrder } from '@mesolite/daemon/cli/job/chronos-client';
import { formatDependencyTree, parseGraphCsv } from '@mesolite/daemon/cli/job/dependency-tree';
import { describe, expect, it } from 'vitest';

describe('the order `job add` posts a file’s jobs in', () => {
  it('puts each dependent job after the parents it names from the same file', () => {
    const order = postingOrder([
      { name: 'load', parents: ['transform'] },
      { name: 'transform', parents: ['extract'] },
      { name: 'extract', schedule: 'R/2026-01-01T00:00:00Z/PT1H' },
    ]);
    expect(order.map((job) => job.name)).toEqual(['extract', 'transform', 'load']);
  });

  it('keeps the file’s order where no parent is in the file', () => {
    const order = postingOrder([
      { name: 'b', parents: ['already-there'] },
      { name: 'a', schedule: 'R/2026-01-01T00:00:00Z/PT1H' },
    ]);
    expect(order.map((job) => job.name)).toEqual(['b', 'a']);
  });

  it('posts every job of a cycle once, leaving Chronos to refuse it', () => {
    const order = postingOrder([
      { name: 'a', parents: ['b'] },
      { name: 'b', parents: ['a'] },
    ]);
    expect(order.map((job) => job.name).sort()).toEqual(['a', 'b']);
  });
});

describe('the dependency graph as text', () => {
  const csv = [
    'node,extract,success,idle',
    'node,transform,failure,idle',
    'node,load,fresh,idle',
    'node,report,fresh,idle',
    'link,extract,transform',
    'link,transform,load',
    'link,extract,report',
    'link,load,report',
  ].join('\n');

  it('shows each job under the jobs it runs after, with its last outcome', () => {
    expect(formatDependencyTree(parseGraphCsv(csv))).toBe(
      [
        'extract [success, idle]',
        '  └─ report [fresh, idle] (also after load)',
        '  └─ transform [failure, idle]',
        '    └─ load [fresh, idle]',
        '      └─ report [fresh, idle] (also after extract)',
        '',
      ].join('\n'),
    );
  });

  it('says so when there are no jobs', () => {
    expect(formatDependencyTree(parseGraphCsv(''))).toBe('no jobs\n');
  });
});
