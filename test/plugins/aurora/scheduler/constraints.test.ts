import { agentAttributes, constraintProblem } from '@mesolite/plugin-aurora/scheduler/constraints';
import { describe, expect, it } from 'vitest';

const agent = agentAttributes('node1', [
  { name: 'rack', type: 'TEXT', text: { value: 'a' } },
  { name: 'cores', type: 'SCALAR', scalar: { value: 8 } },
]);

describe('job constraints', () => {
  it('reads the agent’s attributes as text, with host as its hostname', () => {
    expect(agent).toEqual({ rack: 'a', cores: '8', host: 'node1' });
  });

  it('accepts an agent whose value is listed and refuses one whose value is negated', () => {
    expect(constraintProblem({ rack: 'a,b' }, agent, [])).toBeUndefined();
    expect(constraintProblem({ rack: 'b' }, agent, [])).toMatch(/rack=a does not satisfy b/);
    expect(constraintProblem({ rack: '!a' }, agent, [])).toMatch(/does not satisfy !a/);
    expect(constraintProblem({ zone: 'x' }, agent, [])).toMatch(/zone=\(none\)/);
  });

  it('caps the job’s tasks per attribute value with limit:N', () => {
    expect(constraintProblem({ host: 'limit:1' }, agent, [])).toBeUndefined();
    expect(constraintProblem({ host: 'limit:1' }, agent, [{ host: 'node1' }])).toMatch(/limit:1/);
    expect(constraintProblem({ host: 'limit:1' }, agent, [{ host: 'node2' }])).toBeUndefined();
  });
});
