import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const HELLO = join(import.meta.dirname, 'fixtures/hello');

describe('a daemon killed in the middle of a plugin upgrade or install', () => {
  let daemon: TestDaemon | undefined;
  let workDir: string | undefined;
  afterEach(async () => {
    await daemon?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('puts back the previous version of a plugin whose upgrade never reached its place', async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mesolite-recover-'));
    await mkdir(join(workDir, 'plugins-staging'), { recursive: true });
    await cp(HELLO, join(workDir, 'plugins-staging', 'package-x1.previous'), { recursive: true });
    await cp(HELLO, join(workDir, 'plugins-staging', 'package-x2'), { recursive: true });
    daemon = await startTestDaemon({}, { workDir });
    expect((await fetch(`${daemon.url}/service/hello/greeting`)).status).toBe(200);
    expect(await readdir(join(workDir, 'plugins-staging'))).toEqual([]);
  });
});
