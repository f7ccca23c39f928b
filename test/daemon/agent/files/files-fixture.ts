import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesRegistry } from '@mesolite/daemon/agent/files/files-registry';
import { filesRoutes } from '@mesolite/daemon/agent/files/files-routes';
import { attachSandbox } from '@mesolite/daemon/agent/files/sandbox-attachment';
import { createSandbox } from '@mesolite/daemon/agent/sandbox/create-sandbox';
import type { SandboxIds } from '@mesolite/daemon/agent/sandbox/sandbox-paths';
import { createLogger } from '@mesolite/daemon/logger';
import { buildServer, type MesoliteServer } from '@mesolite/daemon/server/app';

export const IDS: SandboxIds = {
  agentId: 'agent-1',
  frameworkId: 'fw-1',
  executorId: 'task-1',
  containerId: 'run-1',
};

/** A work dir with one attached sandbox, and the daemon's app serving the files API. */
export interface FilesFixture {
  workDir: string;
  sandbox: string;
  registry: FilesRegistry;
  app: MesoliteServer;
  close(): Promise<void>;
}

export async function filesFixture(): Promise<FilesFixture> {
  const workDir = await mkdtemp(join(tmpdir(), 'mesolite-files-'));
  const sandbox = await createSandbox(workDir, IDS);
  const registry = new FilesRegistry();
  attachSandbox(registry, IDS, sandbox);
  const app = buildServer({ logger: createLogger('silent') });
  await app.register(filesRoutes(registry));
  await app.ready();
  return {
    workDir,
    sandbox,
    registry,
    app,
    async close() {
      await app.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** `/files/<endpoint>?path=...`, the path encoded as a browser encodes it. */
export function filesUrl(endpoint: string, path: string, extra = ''): string {
  return `/files/${endpoint}?path=${encodeURIComponent(path)}${extra}`;
}
