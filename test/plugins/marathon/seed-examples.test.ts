import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { busyboxImage, dockerEngine } from '../../support/real-services.js';
import { waitFor } from '../../support/wait.js';

// Copies of the talk's examples (shared/seed-examples), so the suite runs from a clone alone.
const SEEDS = join(import.meta.dirname, 'fixtures/seed');

/** The talk's toggle service: healthy until /toggle is hit. */
const TOGGLE_PY = `import http.server, sys
state = {"healthy": True}
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/toggle":
            state["healthy"] = not state["healthy"]
        code = 200 if (self.path != "/health" or state["healthy"]) else 503
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok" if code == 200 else b"sick")
    def log_message(self, *args):
        pass
http.server.HTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
`;

async function seed(name: string): Promise<Json> {
  return JSON.parse(await readFile(join(SEEDS, name), 'utf8'));
}

describe("the talk's Marathon examples, run as written", () => {
  let daemon: TestDaemon;
  let base: string;
  const cleanups: Array<() => unknown> = [];

  beforeEach(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    base = `${daemon.url}/service/marathon`;
  });
  afterEach(async () => {
    const { apps } = (await (await fetch(`${base}/v2/apps`)).json()) as { apps: Json[] };
    for (const app of apps)
      await fetch(`${base}/v2/apps${app.id}?force=true`, { method: 'DELETE' });
    await daemon.agent?.agent.killAll();
    await daemon.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const post = async (app: Json) => {
    const response = await fetch(`${base}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(app),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  };
  const appState = async (id: string): Promise<Json> =>
    ((await (await fetch(`${base}/v2/apps${id}`)).json()) as { app: Json }).app;

  it('simple-docker: two busybox containers echo, exit, and are started again', async () => {
    const docker = await dockerEngine();
    await busyboxImage(docker);
    await post(await seed('marathon-simple-docker.json'));
    const finished = await waitFor('at least three finished runs', async () => {
      const state = (await (await fetch(`${daemon.url}/master/state`)).json()) as Json;
      const runs = state.frameworks
        .flatMap((framework: Json) => framework.completed_tasks)
        .filter(
          (task: Json) => task.state === 'TASK_FINISHED' && task.name.startsWith('simple-docker'),
        );
      return runs.length >= 3 ? runs : undefined;
    });
    expect(finished.length).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('docker-registry: BRIDGE port mapping, volume and env, reachable on service port 5000', async () => {
    const docker = await dockerEngine();
    const busybox = await busyboxImage(docker);
    // No registry can be reached: give the example a local image by that name.
    const builder = await docker.createContainer({
      Image: busybox,
      Cmd: ['sh', '-c', 'mkdir -p /www && echo registry-ok > /www/index.html'],
    });
    await builder.start();
    await builder.wait();
    await builder.commit({
      repo: 'registry',
      tag: 'latest',
      changes: ['CMD ["httpd", "-f", "-p", "5000", "-h", "/www"]'],
    });
    await builder.remove();
    cleanups.push(() =>
      docker
        .getImage('registry:latest')
        .remove({ force: true })
        .catch(() => undefined),
    );

    await post(await seed('marathon-docker-registry.json'));
    const app = await waitFor('the registry running', async () => {
      const state = await appState('/docker/registry');
      return state.tasksRunning === 1 ? state : undefined;
    });
    expect(app.container.portMappings[0]).toMatchObject({ containerPort: 5000, servicePort: 5000 });
    const hostPort = app.tasks[0].ports[0];
    expect(hostPort).toBeGreaterThan(0);
    const direct = await waitFor('the container answering', async () => {
      const response = await fetch(`http://127.0.0.1:${hostPort}/`).catch(() => undefined);
      return response?.ok ? response.text() : undefined;
    });
    expect(direct).toBe('registry-ok\n');
    const viaServicePort = await waitFor('the service port answering', async () => {
      const response = await fetch('http://127.0.0.1:5000/').catch(() => undefined);
      return response?.ok ? response.text() : undefined;
    });
    expect(viaServicePort).toBe('registry-ok\n');
  }, 90_000);

  it('toggle: fetched from a .tgz, healthy on $PORT0, replaced when its health check fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-toggle-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'toggle.py'), TOGGLE_PY);
    execFileSync('tar', ['-czf', join(dir, 'toggle.tgz'), '-C', dir, 'toggle.py']);
    const archive = await readFile(join(dir, 'toggle.tgz'));
    const server: Server = createServer((_req, res) => res.writeHead(200).end(archive));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const definition = await seed('marathon-toggle.json');
    // Only the URI changes: the original host cannot be reached from here.
    definition.uris = [`http://127.0.0.1:${(server.address() as AddressInfo).port}/toggle.tgz`];

    await post(definition);
    const healthy = await waitFor('two healthy instances', async () => {
      const state = await appState('/toggle');
      return state.tasksHealthy === 2 ? state : undefined;
    });
    const victim = healthy.tasks[0];
    await fetch(`http://127.0.0.1:${victim.ports[0]}/toggle`);
    const healed = await waitFor(
      'the unhealthy instance replaced',
      async () => {
        const state = await appState('/toggle');
        const ids = state.tasks.map((task: Json) => task.id);
        return state.tasksHealthy === 2 && !ids.includes(victim.id) ? state : undefined;
      },
      120_000,
    );
    expect(healed.tasks).toHaveLength(2);
  }, 150_000);
});
