import {
  executorPath,
  frameworkPath,
  latestRunPath,
  parseSandboxPath,
  sandboxPath,
  virtualLatestPath,
} from '@mesolite/daemon/agent/sandbox/sandbox-paths';
import { describe, expect, it } from 'vitest';

const ids = {
  agentId: 'a1-S0',
  frameworkId: 'fw-0001',
  executorId: 'web.8f3c',
  containerId: 'c-123',
};

describe('sandbox paths', () => {
  it("lays a run out as Mesos's agent does", () => {
    expect(sandboxPath('/var/mesolite', ids)).toBe(
      '/var/mesolite/agents/a1-S0/frameworks/fw-0001/executors/web.8f3c/runs/c-123',
    );
  });

  it('puts the executor directory above runs/', () => {
    expect(executorPath('/w', ids)).toBe('/w/agents/a1-S0/frameworks/fw-0001/executors/web.8f3c');
  });

  it('puts the framework directory under the agent', () => {
    expect(frameworkPath('/w', ids)).toBe('/w/agents/a1-S0/frameworks/fw-0001');
  });

  it('names the latest link runs/latest', () => {
    expect(latestRunPath('/w', ids)).toBe(
      '/w/agents/a1-S0/frameworks/fw-0001/executors/web.8f3c/runs/latest',
    );
  });

  it('writes the short virtual path Mesos attaches to the files API', () => {
    expect(virtualLatestPath(ids)).toBe('/frameworks/fw-0001/executors/web.8f3c/runs/latest');
  });

  it('resolves a relative work dir', () => {
    expect(sandboxPath('work', ids)).toBe(
      `${process.cwd()}/work/agents/a1-S0/frameworks/fw-0001/executors/web.8f3c/runs/c-123`,
    );
  });

  it.each([
    ['..', 'a special path component'],
    ['.', 'a special path component'],
    ['', 'empty'],
    ['a/b', 'invalid characters'],
    ['a\\b', 'invalid characters'],
    ['a\nb', 'invalid characters'],
  ])('refuses the task id %j as a path component', (executorId, problem) => {
    expect(() => sandboxPath('/w', { ...ids, executorId })).toThrow(problem);
  });

  it('refuses ids with MESOLITE_ERR_INVALID_SANDBOX_ID', () => {
    expect(() => sandboxPath('/w', { ...ids, frameworkId: '../../etc' })).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_INVALID_SANDBOX_ID' }),
    );
  });

  it('refuses an id longer than 255 bytes', () => {
    expect(() => sandboxPath('/w', { ...ids, agentId: 'x'.repeat(256) })).toThrow(/255 bytes/);
  });

  it('refuses a container id with a dot, which Mesos reserves for nesting', () => {
    expect(() => sandboxPath('/w', { ...ids, containerId: 'a.b' })).toThrow(/no "\."/);
  });

  it('reads the ids back from a sandbox path', () => {
    expect(parseSandboxPath('/w', sandboxPath('/w', ids))).toEqual(ids);
  });

  it('does not take runs/latest for a run', () => {
    expect(parseSandboxPath('/w', latestRunPath('/w', ids))).toBeUndefined();
  });

  it('does not take a path elsewhere for a run', () => {
    expect(parseSandboxPath('/w', '/elsewhere/a/frameworks/f/executors/e/runs/c')).toBeUndefined();
  });
});
