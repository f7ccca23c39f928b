import {
  portNames,
  resolveLaunchTemplates,
  UnboundLaunchNameError,
} from '@mesolite/plugin-aurora/thermos/launch-templates';
import { describe, expect, it } from 'vitest';
import { process, task } from './task-fixtures.js';

const bindings = {
  taskId: 'task-7',
  user: 'alice',
  instance: 3,
  hostname: 'node1',
  ports: { http: 31000, health: 31001 },
};

describe('launch-time templates', () => {
  it('names the ports a task uses, in first-use order', () => {
    const t = task([
      process('a', 'serve --port={{thermos.ports[http]}} --admin={{ thermos.ports[health] }}'),
      process('b', 'ping {{thermos.ports[http]}}'),
    ]);
    expect(portNames(t)).toEqual(['http', 'health']);
  });

  it('binds ports, task id, user, instance and hostname', () => {
    const t = task([
      process(
        'a',
        'run {{thermos.ports[http]}} {{thermos.task_id}} {{thermos.user}} {{mesos.instance}} {{mesos.hostname}}',
      ),
    ]);
    expect(resolveLaunchTemplates(t, bindings).processes[0]?.cmdline).toBe(
      'run 31000 task-7 alice 3 node1',
    );
  });

  it('refuses a name that has no value at launch, naming it and the process', () => {
    const t = task([process('web', 'serve {{thermos.ports[admin]}}')]);
    expect(() => resolveLaunchTemplates(t, bindings)).toThrow(UnboundLaunchNameError);
    expect(() => resolveLaunchTemplates(t, bindings)).toThrow(
      'the cmdline of process web uses {{thermos.ports[admin]}}',
    );
  });
});
