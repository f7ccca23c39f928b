import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliDaemon, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import type { Json } from '../support/raw-mesos-scheduler.js';
import { waitFor } from '../support/wait.js';

const HOSTNAME = 'remote-laptop';
const GREETING = 'hello from the remote laptop';

/**
 * A master with its own agent, and a second agent in its own process and work dir,
 * as `mesolite agent --master URL` runs one on another machine: its files endpoints
 * listen on its loopback only, so the master reads them over the agent channel.
 */
describe('sandboxes of remote tasks, read through the master', () => {
  let daemon: TestDaemon;
  let agentDir: string;
  let remote: ChildProcess;
  let remoteId: string;
  let sandbox: string;

  const get = (url: string) => fetch(`${daemon.url}${url}`);
  const filesUrl = (endpoint: string, path: string, extra = '', agentId = remoteId) =>
    `/agent/${agentId}/files/${endpoint}?path=${encodeURIComponent(path)}${extra}`;

  beforeAll(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    agentDir = await mkdtemp(join(tmpdir(), 'mesolite-remote-agent-'));
    const started = await startCliDaemon(
      [
        'agent',
        '--master',
        daemon.url,
        '--work-dir',
        agentDir,
        '--port',
        '0',
        '--hostname',
        HOSTNAME,
        '--resources',
        'cpus:1;mem:256;disk:100;ports:[41000-41010]',
      ],
      /^mesolite agent (\S+) joined /,
    );
    remote = started.child;
    remoteId = started.url;

    const created = await fetch(`${daemon.url}/service/marathon/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: '/remote-log',
        cmd: `echo '${GREETING}'; sleep 600`,
        cpus: 0.1,
        mem: 32,
        instances: 1,
        constraints: [['hostname', 'CLUSTER', HOSTNAME]],
      }),
    });
    expect(created.status).toBe(201);
    const task = await waitFor('the task running on the remote agent', async () => {
      const response = await get('/service/marathon/v2/apps/remote-log/tasks');
      const { tasks } = (await response.json()) as { tasks: Json[] };
      return tasks.find((found) => found.state === 'TASK_RUNNING');
    });
    expect(task.slaveId).toBe(remoteId);
    expect(task.host).toBe(HOSTNAME);
    const info = (await (await get('/service/marathon/v2/info')).json()) as Json;
    sandbox = `/frameworks/${info.frameworkId}/executors/${task.id}/runs/latest`;
  }, 120_000);

  afterAll(async () => {
    remote?.kill('SIGCONT');
    if (daemon) {
      await fetch(`${daemon.url}/service/marathon/v2/apps/remote-log?force=true`, {
        method: 'DELETE',
      });
      // The remote agent kills its task before it goes, so no process outlives the test.
      await waitFor(
        'the remote task to end',
        async () => {
          const state = (await (await get('/master/state')).json()) as Json;
          const running = (state.frameworks as Json[]).flatMap((framework) =>
            (framework.tasks as Json[]).filter((task) => task.slave_id === remoteId),
          );
          return running.length === 0 ? true : undefined;
        },
        60_000,
      ).catch(() => undefined);
    }
    remote?.kill('SIGKILL');
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    if (agentDir) await rm(agentDir, { recursive: true, force: true });
  }, 120_000);

  it("reads the task's stdout at /agent/<id>/files/read", async () => {
    const page = await waitFor('the greeting in stdout', async () => {
      const response = await get(filesUrl('read', `${sandbox}/stdout`, '&offset=0'));
      const body = (await response.json()) as { data: string; offset: number };
      return body.data.includes(GREETING) ? body : undefined;
    });
    expect(page.offset).toBe(0);
  });

  it('answers the size of the file for offset=-1', async () => {
    const response = await get(filesUrl('read', `${sandbox}/stdout`, '&offset=-1'));
    expect(response.status).toBe(200);
    const { offset } = (await response.json()) as { offset: number };
    expect(offset).toBeGreaterThanOrEqual(GREETING.length + 1);
  });

  it("lists the task's sandbox, which lies in the remote agent's work dir", async () => {
    const response = await get(filesUrl('browse', sandbox));
    expect(response.status).toBe(200);
    const names = ((await response.json()) as Array<{ path: string }>).map((entry) =>
      entry.path.slice(entry.path.lastIndexOf('/') + 1),
    );
    expect(names).toEqual(expect.arrayContaining(['stdout', 'stderr']));
    const debug = (await (await get(`/agent/${remoteId}/files/debug`)).json()) as Record<
      string,
      string
    >;
    expect(debug[sandbox]?.startsWith(agentDir)).toBe(true);
  });

  it('downloads the whole file, as it is on the remote disk', async () => {
    const debug = (await (await get(`/agent/${remoteId}/files/debug`)).json()) as Record<
      string,
      string
    >;
    const onDisk = await readFile(join(debug[sandbox] ?? '', 'stdout'));
    const response = await get(filesUrl('download', `${sandbox}/stdout`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename=stdout');
    expect(Buffer.from(await response.arrayBuffer()).equals(onDisk)).toBe(true);
  });

  it('refuses a path that climbs out of the sandbox', async () => {
    const response = await get(
      filesUrl('read', `${sandbox}/../../../../../../etc/passwd`, '&offset=0'),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/is inaccessible\.\n$/);
  });

  it('answers 404 for a path under no sandbox', async () => {
    const response = await get(filesUrl('read', '/etc/passwd', '&offset=0'));
    expect(response.status).toBe(404);
  });

  it('serves the same routes under /mesos/', async () => {
    const response = await get(`/mesos${filesUrl('read', `${sandbox}/stdout`, '&offset=0')}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: string }).data).toContain(GREETING);
  });

  it("answers for the master's own agent from its registry", async () => {
    const localId = daemon.agent?.agent.id ?? '';
    const response = await get(`/agent/${localId}/files/debug`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(daemon.agent?.files.entries());
  });

  it('answers 404 with a plain-text reason for an unknown agent', async () => {
    const response = await get(filesUrl('read', `${sandbox}/stdout`, '&offset=0', 'no-such-agent'));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/No agent with id 'no-such-agent'/);
  });

  it('answers 503 while the agent is disconnected', async () => {
    // Frozen rather than killed, so that it can still kill its task when the test ends.
    remote.kill('SIGSTOP');
    await waitFor('the master to notice the agent gone', async () => {
      const state = (await (await get('/master/state')).json()) as Json;
      const slave = (state.slaves as Json[]).find((found) => found.id === remoteId);
      return slave?.active === false ? true : undefined;
    });
    const response = await get(filesUrl('read', `${sandbox}/stdout`, '&offset=0'));
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/is not connected/);
  }, 60_000);
});
