import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';

describe('mesolite demo zombies', () => {
  let daemon: TestDaemon;
  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
  });
  afterEach(async () => {
    await fetch(`${daemon.url}/service/marathon/v2/apps/zombies?force=true`, { method: 'DELETE' });
    await waitFor('the tracker stopped', async () => {
      const response = await fetch(`${daemon.url}/service/marathon/v2/tasks`);
      const { tasks } = (await response.json()) as { tasks: unknown[] };
      return tasks.length === 0 ? true : undefined;
    });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
  });

  it('deploys the tracker through Marathon, waits for it to be healthy, and prints its address', async () => {
    const result = await runCli([
      'demo',
      'zombies',
      '--master',
      daemon.url,
      '--instances',
      '2',
      '--timeout',
      '90',
    ]);
    expect(result.stderr).not.toContain('mesolite demo:');
    expect(result.code).toBe(0);
    const url = /The Zombies Tracker is up \(2 healthy\): (http:\/\/\S+)/.exec(result.stdout)?.[1];
    expect(url).toBe('http://127.0.0.1:10100/');
    const page = await waitFor('the tracker through its service port', async () => {
      const response = await fetch(String(url));
      return response.ok ? response.text() : undefined;
    });
    expect(page).toContain('<html');
    const health = await fetch('http://127.0.0.1:10100/health');
    expect(health.status).toBe(200);
  }, 120_000);
});
