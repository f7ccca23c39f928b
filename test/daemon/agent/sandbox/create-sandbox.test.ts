import { lstat, mkdtemp, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox } from '@mesolite/daemon/agent/sandbox/create-sandbox';
import { latestRunPath, sandboxPath } from '@mesolite/daemon/agent/sandbox/sandbox-paths';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ids = { agentId: 'agent-1', frameworkId: 'fw-1', executorId: 'task-1', containerId: 'run-1' };

describe('createSandbox', () => {
  let workDir: string;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-sandbox-'));
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('creates the run directory and returns its path', async () => {
    const path = await createSandbox(workDir, ids);
    expect(path).toBe(sandboxPath(workDir, ids));
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('gives the run directory mode 0755', async () => {
    const path = await createSandbox(workDir, ids);
    expect((await stat(path)).mode & 0o777).toBe(0o755);
  });

  it('takes another mode when asked', async () => {
    const path = await createSandbox(workDir, ids, { mode: 0o750 });
    expect((await stat(path)).mode & 0o777).toBe(0o750);
  });

  it('points runs/latest at the run', async () => {
    const path = await createSandbox(workDir, ids);
    const latest = latestRunPath(workDir, ids);
    expect((await lstat(latest)).isSymbolicLink()).toBe(true);
    expect(await readlink(latest)).toBe(path);
  });

  it('moves runs/latest to the newest run', async () => {
    await createSandbox(workDir, ids);
    const newer = await createSandbox(workDir, { ...ids, containerId: 'run-2' });
    expect(await readlink(latestRunPath(workDir, ids))).toBe(newer);
  });

  it('creates a sandbox that already exists without failing', async () => {
    await createSandbox(workDir, ids);
    await expect(createSandbox(workDir, ids)).resolves.toBe(sandboxPath(workDir, ids));
  });

  it('fails with MESOLITE_ERR_SANDBOX_CREATE when the work dir cannot hold it', async () => {
    const file = join(workDir, 'a-file');
    await writeFile(file, '');
    await expect(createSandbox(file, ids)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_SANDBOX_CREATE',
    });
  });
});
