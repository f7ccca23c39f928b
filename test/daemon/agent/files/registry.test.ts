import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesRegistry } from '@mesolite/daemon/agent/files/files-registry';
import { readFilePage } from '@mesolite/daemon/agent/files/read-file-page';
import { attachSandbox } from '@mesolite/daemon/agent/files/sandbox-attachment';
import { createSandbox } from '@mesolite/daemon/agent/sandbox/create-sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FilesFixture, filesFixture, IDS } from './files-fixture.js';

describe('GET /files/debug', () => {
  let f: FilesFixture;
  beforeEach(async () => {
    f = await filesFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('maps each virtual path of a sandbox to its real path', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/files/debug' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      [f.sandbox]: f.sandbox,
      [join(f.sandbox, '..', 'latest')]: f.sandbox,
      '/frameworks/fw-1/executors/task-1/runs/latest': f.sandbox,
    });
  });
});

describe('FilesRegistry', () => {
  let workDir: string;
  let registry: FilesRegistry;
  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-registry-'));
    registry = new FilesRegistry();
  });
  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('points the latest paths at the newest attached run', async () => {
    attachSandbox(registry, IDS, await createSandbox(workDir, IDS));
    const newer = await createSandbox(workDir, { ...IDS, containerId: 'run-2' });
    attachSandbox(registry, IDS, newer);
    const resolved = await registry.resolve('/frameworks/fw-1/executors/task-1/runs/latest');
    expect(resolved.realPath).toBe(newer);
  });

  it("keeps a newer run's latest paths when an older run is detached", async () => {
    const older = attachSandbox(registry, IDS, await createSandbox(workDir, IDS));
    const newer = await createSandbox(workDir, { ...IDS, containerId: 'run-2' });
    attachSandbox(registry, IDS, newer);
    older.detach();
    expect(Object.values(registry.entries())).toEqual([newer, newer, newer]);
  });

  it('forgets every path of a detached sandbox', async () => {
    const attachment = attachSandbox(registry, IDS, await createSandbox(workDir, IDS));
    attachment.detach();
    expect(registry.entries()).toEqual({});
  });

  it('forgets every virtual path of a real path, as after garbage collection', async () => {
    const sandbox = await createSandbox(workDir, IDS);
    attachSandbox(registry, IDS, sandbox);
    registry.attach('/other', workDir);
    expect(registry.detachRealPath(sandbox)).toBe(3);
    expect(registry.entries()).toEqual({ '/other': workDir });
  });

  it('answers 404 when a resolved file is removed before it is read', async () => {
    const sandbox = await createSandbox(workDir, IDS);
    attachSandbox(registry, IDS, sandbox);
    await writeFile(join(sandbox, 'stdout'), 'x');
    const resolved = await registry.resolve(join(sandbox, 'stdout'));
    await rm(join(sandbox, 'stdout'));
    await expect(readFilePage(resolved, 0, undefined)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FILES_NOT_FOUND',
    });
  });

  it('answers 404 for a path of a detached sandbox', async () => {
    const sandbox = await createSandbox(workDir, IDS);
    attachSandbox(registry, IDS, sandbox).detach();
    await expect(registry.resolve(sandbox)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers 404 once an attached directory is gone from disk', async () => {
    const sandbox = await createSandbox(workDir, IDS);
    attachSandbox(registry, IDS, sandbox);
    await rm(sandbox, { recursive: true });
    await expect(registry.resolve(sandbox)).rejects.toMatchObject({
      code: 'MESOLITE_ERR_FILES_NOT_FOUND',
    });
  });

  it('serves a single attached file at its virtual path', async () => {
    const log = join(workDir, 'agent.log');
    await writeFile(log, 'x');
    registry.attach('/agent/log', log);
    expect((await registry.resolve('/agent/log')).realPath).toBe(log);
  });

  it('finds nothing under an attached file', async () => {
    const log = join(workDir, 'agent.log');
    await writeFile(log, 'x');
    registry.attach('/agent/log', log);
    await expect(registry.resolve('/agent/log/more')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('uses the longest attached prefix', async () => {
    const sandbox = await createSandbox(workDir, IDS);
    registry.attach('/w', workDir);
    registry.attach('/w/inner', sandbox);
    expect((await registry.resolve('/w/inner')).realPath).toBe(sandbox);
  });

  it('refuses to attach an empty virtual path', () => {
    expect(() => registry.attach('', workDir)).toThrow(
      expect.objectContaining({ code: 'MESOLITE_ERR_FILES_VIRTUAL_PATH' }),
    );
  });
});
