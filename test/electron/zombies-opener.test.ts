import type { ZombiesProgress } from '@mesolite/electron/ipc-channels';
import { openZombies, zombiesStep, zombiesUrl } from '@mesolite/electron/zombies-opener';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../support/daemon.js';

const DAEMON = 'http://127.0.0.1:5050';

describe('opening the Zombies Tracker', () => {
  it('deploys it when Marathon does not know it', () => {
    expect(zombiesStep(DAEMON, undefined)).toEqual({ kind: 'deploy' });
  });

  it('deploys it when no instance is healthy', () => {
    expect(zombiesStep(DAEMON, { tasksHealthy: 0, instances: 3 })).toEqual({ kind: 'deploy' });
  });

  it('opens it on its service port when an instance is healthy', () => {
    const app = { tasksHealthy: 1, portDefinitions: [{ port: 10100, name: 'http' }] };
    expect(zombiesStep(DAEMON, app)).toEqual({ kind: 'open', url: 'http://127.0.0.1:10100/' });
  });
});

describe('where the tracker is served', () => {
  it('is the daemon’s host on the app’s first service port', () => {
    expect(
      zombiesUrl('http://mesos.lan:5050', { tasksHealthy: 3, portDefinitions: [{ port: 10200 }] }),
    ).toBe('http://mesos.lan:10200/');
  });

  it('falls back to marathon.json’s port 10100 when the app names none', () => {
    expect(zombiesUrl(DAEMON, { tasksHealthy: 3 })).toBe('http://127.0.0.1:10100/');
  });
});

describe('opening the Zombies Tracker on a daemon without Marathon', () => {
  let daemon: TestDaemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  it('reports the failure with what the daemon answered, and opens nothing', async () => {
    daemon = await startTestDaemon();
    const reported: ZombiesProgress[] = [];
    const opened: string[] = [];
    const outcome = await openZombies({
      daemonUrl: daemon.url,
      open: async (url) => {
        opened.push(url);
      },
      report: (progress) => reported.push(progress),
    });
    expect(outcome.phase).toBe('failed');
    expect(outcome.summary).toMatch(/No plugin named "marathon"/);
    expect(reported.map((progress) => progress.phase)).toEqual(['checking', 'deploying', 'failed']);
    expect(opened).toEqual([]);
  });
});
