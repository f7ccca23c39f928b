import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import {
  startTestDaemon,
  type TestDaemon,
  type TestDaemonOptions,
} from '../../../support/daemon.js';

export interface DaemonPerTest {
  /** The test's work dir, made on first use, to fill (plugins/, packages) before a start. */
  workDir(): Promise<string>;
  /** Starts a daemon on the test's work dir; after a stop, the same daemon restarted. */
  start(options?: Omit<TestDaemonOptions, 'workDir'>): Promise<TestDaemon>;
}

/**
 * A daemon of this process for each test of the file or describe block it is called in,
 * on a work dir of the test's own that outlives a restart within the test. After the
 * test the last daemon started stops and the dir is removed.
 */
export function daemonPerTest(name: string): DaemonPerTest {
  let daemon: TestDaemon | undefined;
  let workDir: string | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    if (workDir) await rm(workDir, { recursive: true, force: true });
    workDir = undefined;
  });
  return {
    async workDir() {
      workDir ??= await mkdtemp(join(tmpdir(), `mesolite-${name}-`));
      return workDir;
    },
    async start(options = {}) {
      daemon = await startTestDaemon({}, { ...options, workDir: await this.workDir() });
      return daemon;
    },
  };
}
