/**
 * Cosmos's package API on a real daemon (master, agent, Marathon), against a Universe
 * repository served over HTTP with the v4 media type.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import type { Json } from '../../support/raw-mesos-scheduler.js';
import { busyboxImage, dockerEngine } from '../../support/real-services.js';
import { TestFramework } from '../../support/test-framework.js';
import { waitFor } from '../../support/wait.js';
import { cosmos } from './cosmos-client.js';
import { serveUniverse, type TestPackage, type UniverseServer } from './universe-server.js';

const HELLO_CONFIG = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: {
    service: {
      type: 'object',
      properties: {
        name: { type: 'string', default: 'hello' },
        instances: { type: 'integer', minimum: 1, default: 1 },
      },
      required: ['name', 'instances'],
    },
    greeting: { type: 'string', default: 'hello from busybox' },
  },
};

// busybox's httpd on the host network, answering its health check with the greeting.
const HELLO_TEMPLATE = `{
  "id": "{{service.name}}",
  "instances": {{service.instances}},
  "cpus": 0.1,
  "mem": 32,
  "cmd": "mkdir -p /www && echo \\"$GREETING\\" > /www/index.html && exec httpd -f -p $PORT0 -h /www",
  "env": { "GREETING": "{{greeting}}" },
  "container": { "type": "DOCKER", "docker": { "image": "busybox:latest", "network": "HOST" } },
  "portDefinitions": [{ "port": 0 }],
  "healthChecks": [{ "protocol": "HTTP", "path": "/", "portIndex": 0, "gracePeriodSeconds": 30, "intervalSeconds": 1, "timeoutSeconds": 2, "maxConsecutiveFailures": 3 }]
}`;

const manifest = (name: string, version: string, extra: Json = {}) => ({
  packagingVersion: '4.0',
  name,
  version,
  maintainer: 'tests',
  description: `the ${name} package`,
  tags: ['test'],
  ...extra,
});

const PACKAGES: TestPackage[] = [
  {
    manifest: manifest('hello', '1.0.0', {
      postInstallNotes: 'Say hello.',
      postUninstallNotes: 'Bye.',
    }),
    releaseVersion: 0,
    template: HELLO_TEMPLATE.replace('"cpus": 0.1', '"cpus": 0.2'),
    config: HELLO_CONFIG,
  },
  {
    manifest: manifest('hello', '1.1.0', {
      postInstallNotes: 'Say hello.',
      postUninstallNotes: 'Bye.',
    }),
    releaseVersion: 1,
    template: HELLO_TEMPLATE,
    config: HELLO_CONFIG,
    resource: { images: { 'icon-small': 'http://icons.example/hello.png' } },
  },
  {
    manifest: manifest('sleeper', '2.0.0', { framework: true }),
    releaseVersion: 0,
    template:
      '{"id": "{{name}}", "cmd": "sleep 1000", "cpus": 0.1, "mem": 16, "labels": {"DCOS_PACKAGE_FRAMEWORK_NAME": "{{framework}}"}}',
    config: {
      type: 'object',
      properties: {
        name: { type: 'string', default: 'sleeper' },
        framework: { type: 'string', default: 'sleeper-fw' },
      },
    },
  },
];

describe('the Cosmos API, with a Universe repository served over HTTP', () => {
  let daemon: TestDaemon;
  let universe: UniverseServer;

  const apps = async (): Promise<Json[]> =>
    ((await (await fetch(`${daemon.url}/service/marathon/v2/apps`)).json()) as { apps: Json[] })
      .apps;
  const call = (path: string, kind: string, body: unknown, version = 1) =>
    cosmos(daemon.url, path, kind, body, version);

  beforeAll(async () => {
    daemon = await startTestDaemon({}, { agent: true, plugins: ['marathon'] });
    universe = await serveUniverse(PACKAGES);
    const added = await call('/package/repository/add', 'repository.add', {
      name: 'tests',
      uri: universe.url,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
  }, 60_000);
  afterEach(async () => {
    for (const app of await apps())
      await fetch(`${daemon.url}/service/marathon/v2/apps${app.id}?force=true`, {
        method: 'DELETE',
      });
    await waitFor('no tasks left', async () => ((await apps()).length === 0 ? true : undefined));
  });
  afterAll(async () => {
    await daemon?.agent?.agent.killAll();
    await daemon?.stop();
    await universe?.close();
  });

  it('lists the added repository after the built-in one, with Cosmos’s media type', async () => {
    const answer = await call('/package/repository/list', 'repository.list', {});
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe(
      'application/vnd.dcos.package.repository.list-response+json;charset=utf-8;version=v1',
    );
    expect(answer.body.repositories.map((repo: Json) => repo.name)).toEqual(['Built-in', 'tests']);
    expect(answer.body.repositories[1]).toEqual({ name: 'tests', uri: universe.url });
  });

  it('refuses a repository it cannot read, and keeps the list as it was', async () => {
    const answer = await call('/package/repository/add', 'repository.add', {
      name: 'gone',
      uri: 'http://127.0.0.1:9/repo',
    });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(
      'application/vnd.dcos.package.error+json;charset=utf-8;version=v1',
    );
    expect(answer.body.type).toBe('RepositoryUriConnection');
    expect(answer.body.data.repository).toEqual({ name: 'gone', uri: 'http://127.0.0.1:9/repo' });
    const list = await call('/package/repository/list', 'repository.list', {});
    expect(list.body.repositories.map((repo: Json) => repo.name)).toEqual(['Built-in', 'tests']);
  });

  it('refuses a server that does not answer with a Universe repository media type', async () => {
    const plain = await serveUniverse(PACKAGES, 'text/html');
    try {
      const answer = await call('/package/repository/add', 'repository.add', {
        name: 'html',
        uri: plain.url,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.type).toBe('UnsupportedContentType');
    } finally {
      await plain.close();
    }
  });

  it('searches the repositories', async () => {
    const answer = await call('/package/search', 'search', { query: 'hello' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe(
      'application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1',
    );
    expect(answer.body.packages).toEqual([
      {
        name: 'hello',
        currentVersion: '1.1.0',
        versions: { '1.1.0': 1, '1.0.0': 0 },
        description: 'the hello package',
        framework: false,
        tags: ['test'],
        images: { 'icon-small': 'http://icons.example/hello.png' },
      },
    ]);
  });

  it('describes the newest release (v3), or a given version in the v2 shape', async () => {
    const v3 = await call('/package/describe', 'describe', { packageName: 'hello' }, 3);
    expect(v3.contentType).toBe(
      'application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3',
    );
    expect(v3.body.package).toMatchObject({
      name: 'hello',
      version: '1.1.0',
      releaseVersion: 1,
      config: HELLO_CONFIG,
    });
    const v2 = await call(
      '/package/describe',
      'describe',
      { packageName: 'hello', packageVersion: '1.0.0' },
      2,
    );
    expect(v2.contentType).toBe(
      'application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v2',
    );
    expect(v2.body).toMatchObject({
      name: 'hello',
      version: '1.0.0',
      selected: false,
      framework: false,
    });
    expect(v2.body.releaseVersion).toBeUndefined();
  });

  it('lists the versions of a package in release order', async () => {
    const answer = await call('/package/list-versions', 'list-versions', {
      packageName: 'hello',
      includePackageVersions: true,
    });
    expect(Object.entries(answer.body.results)).toEqual([
      ['1.0.0', 0],
      ['1.1.0', 1],
    ]);
  });

  it('renders the app as Cosmos does: options over defaults, Cosmos’s labels, appId over id', async () => {
    const options = { greeting: 'hi "there"' };
    const answer = await call('/package/render', 'render', {
      packageName: 'hello',
      options,
      appId: '/greeter',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const app = answer.body.marathonJson;
    expect(app.id).toBe('/greeter');
    expect(app.instances).toBe(1);
    expect(app.env).toEqual({ GREETING: 'hi "there"' });
    expect(app.labels.DCOS_PACKAGE_NAME).toBe('hello');
    expect(app.labels.DCOS_PACKAGE_VERSION).toBe('1.1.0');
    expect(app.labels.DCOS_PACKAGE_SOURCE).toBe(universe.url);
    expect(JSON.parse(Buffer.from(app.labels.DCOS_PACKAGE_OPTIONS, 'base64').toString())).toEqual(
      options,
    );
    expect(app.labels.DCOS_PACKAGE_DEFINITION).toEqual(expect.any(String));
  });

  it('installs a Docker package with options; its app carries Cosmos’s labels and becomes healthy', async () => {
    await busyboxImage(await dockerEngine());
    const answer = await call(
      '/package/install',
      'install',
      {
        packageName: 'hello',
        options: { service: { name: 'greeter' }, greeting: 'hello, workshop' },
      },
      2,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.contentType).toBe(
      'application/vnd.dcos.package.install-response+json;charset=utf-8;version=v2',
    );
    expect(answer.body).toEqual({
      packageName: 'hello',
      packageVersion: '1.1.0',
      appId: '/greeter',
      postInstallNotes: 'Say hello.',
    });
    const app = await waitFor(
      'the greeter healthy',
      async () => {
        const { app } = (await (
          await fetch(`${daemon.url}/service/marathon/v2/apps/greeter`)
        ).json()) as { app: Json };
        return app.tasksHealthy === 1 ? app : undefined;
      },
      90_000,
    );
    expect(app.labels).toMatchObject({
      DCOS_PACKAGE_NAME: 'hello',
      DCOS_PACKAGE_VERSION: '1.1.0',
      DCOS_PACKAGE_SOURCE: universe.url,
    });
    const page = await fetch(`http://127.0.0.1:${app.tasks[0].ports[0]}/`);
    expect(await page.text()).toBe('hello, workshop\n');

    const list = await call('/package/list', 'list', {});
    expect(list.body.packages).toEqual([
      {
        appId: '/greeter',
        packageInformation: {
          packageDefinition: expect.objectContaining({
            name: 'hello',
            version: '1.1.0',
            packagingVersion: '4.0',
          }),
          resourceDefinition: { images: { 'icon-small': 'http://icons.example/hello.png' } },
        },
      },
    ]);
  }, 120_000);

  it('answers the v1 install response to clients that ask for it', async () => {
    const answer = await call('/package/install', 'install', { packageName: 'sleeper' }, 1);
    expect(answer.body).toEqual({
      packageName: 'sleeper',
      packageVersion: '2.0.0',
      appId: '/sleeper',
    });
  });

  it('refuses invalid options with JsonSchemaMismatch naming the option, and creates nothing', async () => {
    const answer = await call('/package/install', 'install', {
      packageName: 'hello',
      options: { service: { instances: 'two' } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('JsonSchemaMismatch');
    expect(answer.body.message).toContain(
      'service.instances: found the text "two", expected a whole number',
    );
    expect(answer.body.data.errors[0]).toMatchObject({
      keyword: 'type',
      instance: { pointer: '/service/instances' },
    });
    expect(await apps()).toEqual([]);
  });

  it('answers PackageNotFound and VersionNotFound, and creates nothing', async () => {
    const unknown = await call('/package/install', 'install', { packageName: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      type: 'PackageNotFound',
      message: 'Package [nope] not found',
      data: { packageName: 'nope' },
    });
    const version = await call(
      '/package/describe',
      'describe',
      { packageName: 'hello', packageVersion: '9' },
      3,
    );
    expect(version.body.type).toBe('VersionNotFound');
    expect(await apps()).toEqual([]);
  });

  it('answers a second install of the same app with PackageAlreadyInstalled (409)', async () => {
    expect((await call('/package/install', 'install', { packageName: 'sleeper' })).status).toBe(
      200,
    );
    const again = await call('/package/install', 'install', { packageName: 'sleeper' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      type: 'PackageAlreadyInstalled',
      message: 'Package is already installed',
    });
    expect((await apps()).map((app) => app.id)).toEqual(['/sleeper']);
  });

  it('refuses an ambiguous uninstall with AmbiguousAppId and removes nothing; --all removes both', async () => {
    await call('/package/install', 'install', { packageName: 'sleeper', appId: '/one' });
    await call('/package/install', 'install', { packageName: 'sleeper', appId: '/two' });
    const ambiguous = await call('/package/uninstall', 'uninstall', { packageName: 'sleeper' });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body).toEqual({
      type: 'AmbiguousAppId',
      message: 'Multiple apps named [sleeper] are installed: [/one, /two]',
      data: { packageName: 'sleeper', appIds: ['/one', '/two'] },
    });
    expect((await apps()).map((app) => app.id).sort()).toEqual(['/one', '/two']);
    const all = await call('/package/uninstall', 'uninstall', {
      packageName: 'sleeper',
      all: true,
    });
    expect(all.status).toBe(200);
    expect(all.body.results.map((result: Json) => result.appId).sort()).toEqual(['/one', '/two']);
    expect(await apps()).toEqual([]);
  });

  it('answers PackageNotInstalled for a package with no app', async () => {
    const answer = await call('/package/uninstall', 'uninstall', { packageName: 'hello' });
    expect(answer.body).toEqual({
      type: 'PackageNotInstalled',
      message: 'Package [hello] is not installed',
      data: { packageName: 'hello' },
    });
  });

  it('uninstall removes the app, tears down the framework it names and gives the post-uninstall notes', async () => {
    const framework = new TestFramework(daemon.url);
    try {
      await framework.subscribe({ name: 'sleeper-fw' });
      // An id of its own: an earlier test's /sleeper may still be stopping, which locks it.
      const installed = await call('/package/install', 'install', {
        packageName: 'sleeper',
        appId: '/sleeper-teardown',
      });
      expect(installed.status).toBe(200);
      const answer = await call('/package/uninstall', 'uninstall', {
        packageName: 'sleeper',
        appId: '/sleeper-teardown',
      });
      expect(answer.body).toEqual({
        results: [{ packageName: 'sleeper', appId: '/sleeper-teardown', packageVersion: '2.0.0' }],
      });
      const state = (await (await fetch(`${daemon.url}/master/state`)).json()) as Json;
      expect(state.frameworks.map((fw: Json) => fw.name)).not.toContain('sleeper-fw');
    } finally {
      framework.close();
    }
  });

  it('keeps serving the readable repositories when one cannot be read, and says which one failed', async () => {
    const doomed = await serveUniverse([
      { manifest: manifest('doomed', '1'), releaseVersion: 0, template: '{"id": "doomed"}' },
    ]);
    await call('/package/repository/add', 'repository.add', { name: 'doomed', uri: doomed.url });
    await doomed.close();
    try {
      const answer = await call('/package/search', 'search', {});
      expect(answer.status).toBe(200);
      expect(answer.body.packages.map((pkg: Json) => pkg.name)).toContain('hello');
      expect(answer.warnings).toMatch(/Repository \[doomed\] could not be read/);
    } finally {
      await call('/package/repository/delete', 'repository.delete', { name: 'doomed' });
    }
  });

  it('answers GET /capabilities', async () => {
    const response = await fetch(`${daemon.url}/capabilities`);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.dcos.capabilities+json;charset=utf-8;version=v1',
    );
    expect(await response.json()).toEqual({ capabilities: [{ name: 'PACKAGE_MANAGEMENT' }] });
  });
});
