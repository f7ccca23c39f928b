import { configDiff } from '@mesolite/plugin-aurora/api/config-diff';
import { describe, expect, it } from 'vitest';
import { job, process, task } from '../thermos/task-fixtures.js';

describe('job diff', () => {
  it('lists each changed field by its path, and nothing for an equal job', () => {
    const current = job('web', task([process('serve', 'serve --v1')]));
    expect(configDiff(current, current)).toEqual([]);
    const proposed = { ...current, instances: 3, task: task([process('serve', 'serve --v2')]) };
    expect(configDiff(current, proposed)).toEqual([
      { path: 'instances', current: 1, proposed: 3 },
      { path: 'task.processes[0].cmdline', current: 'serve --v1', proposed: 'serve --v2' },
    ]);
  });
});
