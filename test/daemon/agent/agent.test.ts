import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { busyboxImage, dockerEngine } from '../../support/real-services.js';
import { commandTask, TestFramework } from '../../support/test-framework.js';

describe('the agent running tasks for the master', () => {
  let daemon: TestDaemon;
  let framework: TestFramework;
  const cleanups: Array<() => unknown> = [];

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true });
    framework = new TestFramework(daemon.url);
    await framework.subscribe();
  });
  afterEach(async () => {
    framework.close();
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function readSandboxFile(taskId: string, file: string): Promise<string> {
    const frameworkId = String(framework.scheduler.frameworkId);
    const response = await fetch(
      `${daemon.url}/files/read?path=${encodeURIComponent(`/frameworks/${frameworkId}/executors/${taskId}/runs/latest/${file}`)}&offset=0`,
    );
    if (response.status !== 200)
      throw new Error(`files/read answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { data: string }).data;
  }

  it('runs a shell command to TASK_FINISHED, through STARTING and RUNNING', async () => {
    await framework.launch((offer) =>
      commandTask(offer, 'hello', { value: 'echo hello mesolite' }),
    );
    const finished = await framework.waitFor('hello', ['TASK_FINISHED', 'TASK_FAILED']);
    expect(finished.state).toBe('TASK_FINISHED');
    expect(finished.message).toBe('Command exited with status 0');
    expect(framework.statuses.get('hello')?.map((s: Json) => s.state)).toEqual([
      'TASK_STARTING',
      'TASK_RUNNING',
      'TASK_FINISHED',
    ]);
  });

  it("captures the task's stdout in its sandbox, readable through /files/read", async () => {
    await framework.launch((offer) =>
      commandTask(offer, 'talker', { value: 'echo out; echo err >&2' }),
    );
    await framework.waitFor('talker', ['TASK_FINISHED']);
    expect(await readSandboxFile('talker', 'stdout')).toContain('out\n');
    expect(await readSandboxFile('talker', 'stderr')).toContain('err\n');
  });

  it('lays the sandbox out as Mesos does and runs the task in it', async () => {
    await framework.launch((offer) =>
      commandTask(offer, 'where', { value: 'pwd; echo "$MESOS_SANDBOX"' }),
    );
    await framework.waitFor('where', ['TASK_FINISHED']);
    const [cwd, sandbox] = (await readSandboxFile('where', 'stdout')).trim().split('\n');
    expect(cwd).toBe(sandbox);
    const frameworkId = String(framework.scheduler.frameworkId);
    const agentId = String(daemon.agent?.agent.id);
    expect(sandbox).toMatch(
      new RegExp(
        `^${daemon.workDir}/agents/${agentId}/frameworks/${frameworkId}/executors/where/runs/[0-9a-f-]{36}$`,
      ),
    );
  });

  it('gives the task the environment Mesos and Marathon tasks rely on', async () => {
    await framework.launch((offer) =>
      commandTask(
        offer,
        'env-task',
        {
          value: 'echo "$MESOS_TASK_ID|$PORT0|$PORT1|$PORTS|$HOST|$GREETING"',
          environment: { variables: [{ name: 'GREETING', value: 'hi' }] },
        },
        {},
        2,
      ),
    );
    await framework.waitFor('env-task', ['TASK_FINISHED']);
    const [taskId, port0, port1, ports, host, greeting] = (
      await readSandboxFile('env-task', 'stdout')
    )
      .trim()
      .split('|');
    expect(taskId).toBe('env-task');
    expect(Number(port1)).toBe(Number(port0) + 1);
    expect(ports).toBe(`${port0},${port1}`);
    expect(host).toBeTruthy();
    expect(greeting).toBe('hi');
  });

  it('reports a failing command as TASK_FAILED with its exit status', async () => {
    await framework.launch((offer) => commandTask(offer, 'sad', { value: 'exit 3' }));
    const failed = await framework.waitFor('sad', ['TASK_FAILED', 'TASK_FINISHED']);
    expect(failed.state).toBe('TASK_FAILED');
    expect(failed.message).toBe('Command exited with status 3');
  });

  it('says plainly what is missing when a command is not found', async () => {
    await framework.launch((offer) =>
      commandTask(offer, 'missing', { value: 'no-such-program-here 1' }),
    );
    const failed = await framework.waitFor('missing', ['TASK_FAILED']);
    expect(failed.message).toContain('no-such-program-here: not found');
  });

  it('kills a running task on KILL and reports TASK_KILLED', async () => {
    await framework.launch((offer) => commandTask(offer, 'sleeper', { value: 'sleep 300' }));
    await framework.waitFor('sleeper', ['TASK_RUNNING']);
    await framework.kill('sleeper');
    const killed = await framework.waitFor('sleeper', ['TASK_KILLED', 'TASK_FAILED']);
    expect(killed.state).toBe('TASK_KILLED');
  });

  it('kills a task whose HTTP health check starts failing, after its consecutive failures', async () => {
    const flagDir = await mkdtemp(join(tmpdir(), 'mesolite-health-'));
    cleanups.push(() => rm(flagDir, { recursive: true, force: true }));
    const flag = join(flagDir, 'healthy');
    await writeFile(flag, 'yes');
    const server = [
      'import http.server, os, sys',
      'class H(http.server.BaseHTTPRequestHandler):',
      '    def do_GET(self):',
      `        self.send_response(200 if os.path.exists(${JSON.stringify(flag)}) else 500)`,
      '        self.end_headers()',
      '    def log_message(self, *a): pass',
      "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()",
    ].join('\n');
    await writeFile(join(flagDir, 'server.py'), server);
    await framework.launch((offer) => {
      const task = commandTask(
        offer,
        'flaky',
        { value: `exec python3 ${join(flagDir, 'server.py')} $PORT0` },
        {},
        1,
      );
      task.health_check = {
        type: 'HTTP',
        http: { port: task.resources[2].ranges.range[0].begin, path: '/health' },
        delay_seconds: 0,
        interval_seconds: 0.2,
        timeout_seconds: 1,
        consecutive_failures: 3,
        grace_period_seconds: 5,
      };
      return task;
    });
    const healthy = await framework.waitFor('flaky', ['TASK_RUNNING'], 20_000);
    expect(healthy.state).toBe('TASK_RUNNING');
    await expect
      .poll(() => framework.statuses.get('flaky')?.some((s: Json) => s.healthy === true), {
        timeout: 15_000,
      })
      .toBe(true);
    await unlink(flag);
    const killed = await framework.waitFor(
      'flaky',
      ['TASK_KILLED', 'TASK_FAILED', 'TASK_FINISHED'],
      20_000,
    );
    expect(killed.state).toBe('TASK_KILLED');
    expect(killed.healthy).toBe(false);
    expect(framework.statuses.get('flaky')?.some((s: Json) => s.healthy === false)).toBe(true);
  });

  it('fetches and extracts a .tgz into the sandbox before the command runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-fetch-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'greeting.txt'), 'fetched and extracted\n');
    execFileSync('tar', ['-czf', join(dir, 'bundle.tgz'), '-C', dir, 'greeting.txt']);
    const archive = await readFile(join(dir, 'bundle.tgz'));
    const server: Server = createServer((_req, res) => res.writeHead(200).end(archive));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.tgz`;
    await framework.launch((offer) =>
      commandTask(offer, 'fetcher', {
        value: 'cat greeting.txt',
        uris: [{ value: url, extract: true }],
      }),
    );
    const done = await framework.waitFor('fetcher', ['TASK_FINISHED', 'TASK_FAILED']);
    expect(done.state).toBe('TASK_FINISHED');
    expect(await readSandboxFile('fetcher', 'stdout')).toBe('fetched and extracted\n');
  });

  it('fails a task whose URI cannot be fetched, before anything runs', async () => {
    await framework.launch((offer) =>
      commandTask(offer, 'unfetchable', {
        value: 'touch ran',
        uris: [{ value: 'http://127.0.0.1:9/nothing.tgz' }],
      }),
    );
    const failed = await framework.waitFor('unfetchable', ['TASK_FAILED', 'TASK_FINISHED']);
    expect(failed.state).toBe('TASK_FAILED');
    expect(failed.reason).toBe('REASON_CONTAINER_LAUNCH_FAILED');
    expect(failed.message).toContain('http://127.0.0.1:9/nothing.tgz');
  });

  it("runs the seed's simple-docker example in a real busybox container", async () => {
    const docker = await dockerEngine();
    await busyboxImage(docker);
    for (const instance of [1, 2]) {
      await framework.launch((offer) =>
        commandTask(
          offer,
          `simple-docker.${instance}`,
          { value: 'echo hello from docker' },
          {
            container: { type: 'DOCKER', docker: { image: 'busybox', network: 'HOST' } },
          },
        ),
      );
    }
    for (const instance of [1, 2]) {
      const done = await framework.waitFor(
        `simple-docker.${instance}`,
        ['TASK_FINISHED', 'TASK_FAILED'],
        30_000,
      );
      expect(done.state).toBe('TASK_FINISHED');
      expect(await readSandboxFile(`simple-docker.${instance}`, 'stdout')).toContain(
        'hello from docker',
      );
    }
  });
});
