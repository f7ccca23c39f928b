import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { waitFor } from '../../support/wait.js';

/** `mesolite job` against a real daemon with the Chronos plugin and an agent. */
describe('mesolite job', () => {
  let daemon: TestDaemon;
  let dir: string;

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['chronos'] });
    dir = await mkdtemp(join(tmpdir(), 'mesolite-job-cli-'));
  });

  afterEach(async () => {
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const chain = [
    { name: 'load', command: 'true', parents: ['transform'], cpus: 0.1, mem: 16 },
    { name: 'transform', command: 'true', parents: ['extract'], cpus: 0.1, mem: 16 },
    {
      name: 'extract',
      command: 'echo extracted',
      schedule: 'R/2030-01-01T00:00:00Z/P1D',
      cpus: 0.1,
      mem: 16,
    },
  ];

  async function add(jobs: unknown): Promise<string> {
    const file = join(dir, 'jobs.json');
    await writeFile(file, JSON.stringify(jobs));
    const result = await runCli(['job', 'add', file, '--master', daemon.url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout;
  }

  async function history(name: string) {
    const response = await fetch(`${daemon.url}/service/chronos/mesolite/v1/jobs/${name}/history`);
    return ((await response.json()) as { runs: { status: string }[] }).runs;
  }

  it('adds a file’s jobs with each dependent job after its parents', async () => {
    expect(await add(chain)).toBe(
      [
        'extract: added (R/2030-01-01T00:00:00Z/P1D)',
        'transform: added (after extract)',
        'load: added (after transform)',
        '',
      ].join('\n'),
    );
  });

  it('lists the jobs with their schedule or parents', async () => {
    await add(chain);
    const result = await runCli(['job', 'list', '--master', daemon.url]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+WHEN\s+SUCCESSES\s+ERRORS\s+LAST RUN\s+STATE$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 2))).toEqual([
      // Chronos lists the schedule as it stores it, with milliseconds.
      ['extract', 'R/2030-01-01T00:00:00.000Z/P1D'],
      ['load', 'after transform'],
      ['transform', 'after extract'],
    ]);
  });

  it('runs a job now and shows the run in its history', async () => {
    await add(chain);
    const run = await runCli(['job', 'run', 'extract', '--master', daemon.url]);
    expect(run.stdout).toBe('extract: run started\n');
    await waitFor('the run to finish', async () => {
      const runs = await history('extract');
      return runs.length > 0 ? runs : undefined;
    });
    const result = await runCli(['job', 'history', 'extract', '--master', daemon.url]);
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.split('\n');
    expect(header).toMatch(/^DUE\s+ATTEMPT\s+STATUS\s+EXIT\s+DURATION\s+SANDBOX$/);
    expect(row).toMatch(/\bsuccess\b/);
    expect(row).toMatch(/\/frameworks\/.+\/executors\/ct:\d+:0:extract:/);
  });

  it('draws the dependency graph with each job under its parent', async () => {
    await add(chain);
    const result = await runCli(['job', 'graph', '--master', daemon.url]);
    expect(result.code).toBe(0);
    expect(result.stdout.replace(/ \[[^\]]*\]/g, '')).toBe(
      ['extract', '  └─ transform', '    └─ load', ''].join('\n'),
    );
  });

  it('says what Chronos refused, and exits 1', async () => {
    const file = join(dir, 'orphan.json');
    await writeFile(file, JSON.stringify({ name: 'orphan', command: 'true', parents: ['nope'] }));
    const result = await runCli(['job', 'add', file, '--master', daemon.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mesolite job: Chronos refused: .*nope/);
    const list = await (await fetch(`${daemon.url}/service/chronos/scheduler/jobs`)).json();
    expect(list).toEqual([]);
  });
});
