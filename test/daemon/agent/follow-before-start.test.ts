import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@mesolite/daemon';
import { type AgentRuntime, startAgentRuntime } from '@mesolite/daemon/agent/agent-runtime';
import { LevelStore } from '@mesolite/daemon/store/level-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

/**
 * An agent following ZooKeeper may learn of a new leader before it ever registered: the
 * master it was started with died in the meantime. It must go to the new one, not keep
 * knocking on the dead master's door.
 */
describe('an agent told of another master before its first registration', () => {
  let daemon: TestDaemon;
  let workDir: string;
  let store: LevelStore;
  let runtime: AgentRuntime | undefined;

  beforeAll(async () => {
    daemon = await startTestDaemon();
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-follow-agent-'));
    store = await LevelStore.open(join(workDir, 'store'));
  });
  afterAll(async () => {
    await runtime?.stop();
    await store?.close();
    await daemon?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('registers with the master it was moved to', async () => {
    runtime = await startAgentRuntime({
      // Nothing listens on port 1: the master that led when the agent began, now gone.
      masterUrl: 'http://127.0.0.1:1',
      workDir,
      store: store.namespace('agent'),
      logger: createLogger('silent'),
      resources: 'cpus:1;mem:256;disk:256',
      onCreated: (agent) => agent.followMaster(daemon.url),
    });
    expect(runtime.agent.masterUrl).toBe(daemon.url);
    expect(runtime.agent.isRegistered).toBe(true);
    expect(daemon.master.agents.has(runtime.agent.id ?? '')).toBe(true);
  });
});
