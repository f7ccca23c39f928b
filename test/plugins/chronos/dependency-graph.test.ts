import {
  childrenOf,
  findCycle,
  renderCsv,
  renderDot,
} from '@mesolite/plugin-chronos/job/dependency-graph';
import { describe, expect, it } from 'vitest';

const CHAIN = [
  { name: 'load', parents: ['fetch'] },
  { name: 'fetch' },
  { name: 'report', parents: ['load'] },
];

describe('the dependency graph', () => {
  it('finds no cycle in a chain', () => {
    expect(findCycle(CHAIN)).toBeUndefined();
  });

  it('names the jobs of a cycle', () => {
    expect(
      findCycle([
        { name: 'a', parents: ['b'] },
        { name: 'b', parents: ['a'] },
      ]),
    ).toEqual(['a', 'b', 'a']);
  });

  it('lists a job’s children', () => {
    expect(childrenOf(CHAIN, 'fetch')).toEqual(['load']);
  });

  it('renders as Chronos’s dot: integer nodes with labels, then edges', () => {
    expect(renderDot(CHAIN)).toBe(
      [
        'digraph G {',
        '  1 [ label="fetch" ];',
        '  2 [ label="load" ];',
        '  3 [ label="report" ];',
        '  1 -> 2;',
        '  2 -> 3;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('renders as Chronos’s csv: node lines with the last and current state, then links', () => {
    const nodes = CHAIN.map((job) => ({
      ...job,
      lastState: 'fresh' as const,
      state: 'idle' as const,
    }));
    expect(renderCsv(nodes)).toBe(
      'node,fetch,fresh,idle\nnode,load,fresh,idle\nnode,report,fresh,idle\nlink,fetch,load\nlink,load,report\n',
    );
  });
});
