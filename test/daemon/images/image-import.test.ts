/**
 * Offline images end to end, with the real Docker engine: a `docker save` tarball goes
 * through `mesolite image import` to the agent's engine, which then lists and runs it;
 * the catalog warns about a package whose image no agent has, until it is imported.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { busyboxImage, dockerEngine } from '../../support/real-services.js';
import { waitFor } from '../../support/wait.js';
import { cosmos } from '../catalog/cosmos-client.js';

const IMPORTED = 'mesolite-test/imported:1';

async function removeTag(docker: Docker, tag: string): Promise<void> {
  await docker
    .getImage(tag)
    .remove({ noprune: true })
    .catch(() => undefined);
}

async function hasTag(docker: Docker, tag: string): Promise<boolean> {
  const images = await docker.listImages({ filters: { reference: [tag] } });
  return images.length > 0;
}

describe('offline Docker images', () => {
  let docker: Docker;
  let daemon: TestDaemon;
  let dir: string;
  let tarball: string;
  const cli = (...args: string[]) => runCli([...args, '--master', daemon.url]);
  const apps = async (): Promise<Json[]> =>
    ((await (await fetch(`${daemon.url}/service/marathon/v2/apps`)).json()) as { apps: Json[] })
      .apps;

  beforeAll(async () => {
    docker = await dockerEngine();
    const busybox = await busyboxImage(docker);
    dir = await mkdtemp(join(tmpdir(), 'mesolite-images-'));
    // An image no registry has: busybox under a test name, saved, then untagged.
    const [repo, tag] = IMPORTED.split(':') as [string, string];
    await docker.getImage(busybox).tag({ repo, tag });
    tarball = join(dir, 'imported.tar');
    await pipeline(await docker.getImage(IMPORTED).get(), createWriteStream(tarball));
    await removeTag(docker, IMPORTED);

    // A package that runs it, in Universe's source layout.
    const version = join(dir, 'repo/packages/O/offline-app/0');
    await mkdir(version, { recursive: true });
    await writeFile(
      join(version, 'package.json'),
      JSON.stringify({
        packagingVersion: '3.0',
        name: 'offline-app',
        version: '1.0',
        maintainer: 'us',
        description: 'runs an image no registry has',
      }),
    );
    await writeFile(join(version, 'config.json'), JSON.stringify({ type: 'object' }));
    await writeFile(
      join(version, 'marathon.json.mustache'),
      JSON.stringify({
        id: 'offline-app',
        cmd: 'sleep 1000',
        cpus: 0.1,
        mem: 32,
        container: { type: 'DOCKER', docker: { image: IMPORTED } },
      }),
    );
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    const added = await cosmos(daemon.url, '/package/repository/add', 'repository.add', {
      name: 'offline',
      uri: `file://${join(dir, 'repo')}`,
      index: 0,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
  }, 120_000);

  afterEach(async () => {
    for (const app of await apps())
      await fetch(`${daemon.url}/service/marathon/v2/apps${app.id}?force=true`, {
        method: 'DELETE',
      });
    await waitFor('no apps left', async () => ((await apps()).length === 0 ? true : undefined));
    await daemon.agent?.agent.killAll();
    await removeTag(docker, IMPORTED);
  });

  afterAll(async () => {
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    if (docker) await removeTag(docker, IMPORTED);
    await rm(dir, { recursive: true, force: true });
  });

  it('image import loads a docker save tarball into every agent, which then lists it', async () => {
    const result = await cli('image', 'import', tarball);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^agent \\S+ \\(.+\\): loaded ${IMPORTED}$`, 'm'));
    expect(await hasTag(docker, IMPORTED)).toBe(true);

    const listed = await cli('image', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^\\S+\\s+\\S+\\s+${IMPORTED}$`, 'm'));
  });

  it('image import exits non-zero and names the agent when the file is no image tarball', async () => {
    const bogus = join(dir, 'bogus.tar');
    await writeFile(bogus, 'not a tarball at all');
    const result = await cli('image', 'import', bogus);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/^agent \S+ \(.+\): failed: .+/m);
    expect(result.stderr).toContain('1 of 1 agents could not load the images');
  });

  it('render, describe and install warn in a Warning header when no agent has the image', async () => {
    const rendered = await cosmos(daemon.url, '/package/render', 'render', {
      packageName: 'offline-app',
    });
    expect(rendered.status).toBe(200);
    expect(rendered.warnings).toContain(`Docker image ${IMPORTED} is on none of the 1 connected`);
    expect(rendered.warnings).toContain('mesolite image import');
    expect(Object.keys(rendered.body as object)).toEqual(['marathonJson']);

    const described = await cosmos(
      daemon.url,
      '/package/describe',
      'describe',
      {
        packageName: 'offline-app',
      },
      3,
    );
    expect(described.warnings).toContain(`Docker image ${IMPORTED}`);

    const installed = await cosmos(
      daemon.url,
      '/package/install',
      'install',
      {
        packageName: 'offline-app',
      },
      2,
    );
    expect(installed.status).toBe(200);
    expect(installed.warnings).toContain(`Docker image ${IMPORTED}`);
  });

  it('package describe --render shows the warning on the command line', async () => {
    const result = await cli('package', 'describe', 'offline-app', '--render');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`warning: Docker image ${IMPORTED} is on none`);
  });

  it('after an import the install no longer warns and the app runs the imported image', async () => {
    const imported = await cli('image', 'import', tarball);
    expect(imported.code, imported.stderr).toBe(0);

    const installed = await cosmos(
      daemon.url,
      '/package/install',
      'install',
      {
        packageName: 'offline-app',
      },
      2,
    );
    expect(installed.status, JSON.stringify(installed.body)).toBe(200);
    expect(installed.warnings ?? '').not.toContain('Docker image');
    await waitFor('the app running the imported image', async () => {
      const app = (await apps()).find((one) => one.id === '/offline-app');
      return app && (app.tasksRunning as number) >= 1 ? true : undefined;
    });
  });
});
