import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fetchUris } from '@mesolite/daemon/agent/fetcher/fetcher';
import { parseManifest } from '@mesolite/daemon/plugins/manifest';
import { ArtifactRegistry, copiedInto } from '@mesolite/daemon/plugins/plugin-artifacts';
import { packPlugin } from '@mesolite/daemon/plugins/plugin-packer';
import { list } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestDaemon } from '../../support/daemon.js';
import {
  ADMIN,
  type SecureDaemon,
  startSecureDaemon,
  VIEWER,
  workDirWithUsers,
} from '../auth/secure-daemon.js';
import { daemonPerTest } from './support/daemon-per-test.js';

const FIXTURE = join(import.meta.dirname, 'fixtures/artifacts');
const TOOL = join(FIXTURE, 'bin/tool.sh');

interface Artifact {
  name: string;
  uri: string;
  sha256: string;
  size: number;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function installFixture(workDir: string): Promise<void> {
  await mkdir(join(workDir, 'plugins'), { recursive: true });
  await cp(FIXTURE, join(workDir, 'plugins', 'arty'), { recursive: true });
}

describe('plugin artifacts served by the master', () => {
  const daemons = daemonPerTest('artifacts');

  async function start(): Promise<TestDaemon> {
    await installFixture(await daemons.workDir());
    return daemons.start({ plugins: [] });
  }

  async function artifact(d: TestDaemon, name: string): Promise<Artifact> {
    const response = await fetch(`${d.url}/service/arty/artifacts/${name}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Artifact;
  }

  it('serves a declared artifact’s bytes at a URI naming its content hash, cacheable for good', async () => {
    const d = await start();
    const tool = await artifact(d, 'tool.sh');
    const bytes = await readFile(TOOL);
    expect(tool).toMatchObject({ name: 'tool.sh', sha256: sha256(bytes), size: bytes.length });
    expect(tool.uri).toBe(`${d.url}/mesolite/v1/plugins/arty/artifacts/${sha256(bytes)}/tool.sh`);
    const response = await fetch(tool.uri);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${tool.sha256}"`);
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
    const again = await fetch(tool.uri, { headers: { 'if-none-match': `"${tool.sha256}"` } });
    expect(again.status).toBe(304);
  });

  it('answers 404 for an unknown artifact, hash or plugin', async () => {
    const d = await start();
    const tool = await artifact(d, 'tool.sh');
    const base = `${d.url}/mesolite/v1/plugins`;
    for (const url of [
      `${base}/arty/artifacts/${tool.sha256}/other.sh`,
      `${base}/arty/artifacts/${sha256('something else')}/tool.sh`,
      `${base}/arty/artifacts/not-a-hash/tool.sh`,
      `${base}/nobody/artifacts/${tool.sha256}/tool.sh`,
    ]) {
      const response = await fetch(url);
      expect(response.status, url).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe(
        'MESOLITE_ERR_UNKNOWN_PLUGIN_ARTIFACT',
      );
    }
    const undeclared = await fetch(`${d.url}/service/arty/artifacts/nothing.sh`);
    expect(((await undeclared.json()) as { code: string }).code).toBe(
      'MESOLITE_ERR_PLUGIN_ARTIFACT_UNDECLARED',
    );
  });

  it('gives a file served at run time a new URI when it changes, and stops serving the old one', async () => {
    const d = await start();
    const make = async (text: string) =>
      (await (
        await fetch(`${d.url}/service/arty/made`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text }),
        })
      ).json()) as Artifact;
    const first = await make('version 1');
    expect(await (await fetch(first.uri)).text()).toBe('version 1');
    const second = await make('version 2');
    expect(second.uri).not.toBe(first.uri);
    expect(second.sha256).toBe(sha256('version 2'));
    expect(await (await fetch(second.uri)).text()).toBe('version 2');
    expect((await fetch(first.uri)).status).toBe(404);
  });

  it('stops serving a plugin’s artifacts when the plugin is disabled', async () => {
    const d = await start();
    const tool = await artifact(d, 'tool.sh');
    await fetch(`${d.url}/mesolite/v1/plugins/arty/disable`, { method: 'POST' });
    expect((await fetch(tool.uri)).status).toBe(404);
  });
});

describe('plugin artifacts on a master with auth on', () => {
  let daemon: SecureDaemon | undefined;
  afterEach(async () => {
    const workDir = daemon?.workDir;
    await daemon?.stop();
    daemon = undefined;
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function start(): Promise<{ d: SecureDaemon; tool: Artifact }> {
    const workDir = await workDirWithUsers([ADMIN, VIEWER]);
    await installFixture(workDir);
    const d = await startSecureDaemon({ workDir });
    daemon = d;
    const viewer = await d.login(VIEWER);
    const response = await d.fetch(viewer)(`${d.url}/service/arty/artifacts/tool.sh`);
    return { d, tool: (await response.json()) as Artifact };
  }

  it('answers 401 to a download without a credential or with a wrong join token', async () => {
    const { d, tool } = await start();
    const anonymous = await d.fetch()(tool.uri);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBeTruthy();
    expect(((await anonymous.json()) as { code: string }).code).toBe('ERR_INVALID_CREDENTIALS');
    const wrong = (d.joinToken ?? '').replace(/:[^:]+$/, ':wrong-secret-wrong-secret');
    const refused = await d.fetch()(tool.uri, {
      headers: { authorization: `JoinToken ${wrong}` },
    });
    expect(refused.status).toBe(401);
  });

  it('serves an agent presenting the join token, and a logged-in user', async () => {
    const { d, tool } = await start();
    const asAgent = await d.fetch()(tool.uri, {
      headers: { authorization: `JoinToken ${d.joinToken}` },
    });
    expect(asAgent.status).toBe(200);
    expect(Buffer.from(await asAgent.arrayBuffer())).toEqual(await readFile(TOOL));
    const asViewer = await d.fetch(await d.login(VIEWER))(tool.uri);
    expect(asViewer.status).toBe(200);
  });

  it('takes the join token for artifact downloads only', async () => {
    const { d } = await start();
    const state = await d.fetch()(`${d.url}/master/state`, {
      headers: { authorization: `JoinToken ${d.joinToken}` },
    });
    expect(state.status).toBe(401);
    const plugin = await d.fetch()(`${d.url}/service/arty/artifacts/tool.sh`, {
      headers: { authorization: `JoinToken ${d.joinToken}` },
    });
    expect(plugin.status).toBe(401);
  });
});

describe('artifacts of a plugin run on its own', () => {
  it('are copies named by their hash, as file:// URIs an agent on the machine fetches', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mesolite-local-artifacts-'));
    try {
      const registry = new ArtifactRegistry(copiedInto(join(dir, 'artifacts')));
      const tool = await registry.serve('arty', 'tool.sh', TOOL);
      const bytes = await readFile(TOOL);
      expect(tool.uri).toBe(
        pathToFileURL(join(dir, 'artifacts', 'arty', sha256(bytes), 'tool.sh')).href,
      );
      const sandbox = join(dir, 'sandbox');
      await fetchUris([{ value: tool.uri, executable: true, cache: true }], sandbox, {
        cacheDir: join(dir, 'cache'),
      });
      expect(await readFile(join(sandbox, 'tool.sh'))).toEqual(bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('declaring artifacts', () => {
  it('refuses a manifest whose artifact name is not a file name', () => {
    const manifest = (artifacts: Record<string, string>) => ({
      mesolite: { name: 'x', displayName: 'X', apiVersion: '1', entry: 'index.js', artifacts },
    });
    expect(() => parseManifest(manifest({ '../escape': 'bin/tool.sh' }), 'here')).toThrow(
      /artifact name "..\/escape" is not a file name/,
    );
    expect(parseManifest(manifest({ 'tool.sh': 'bin/tool.sh' }), 'here').artifacts).toEqual({
      'tool.sh': 'bin/tool.sh',
    });
  });

  it('packs the artifacts with the plugin, the manifest pointing at their copies', async () => {
    const out = await mkdtemp(join(tmpdir(), 'mesolite-pack-artifacts-'));
    try {
      const packed = await packPlugin(FIXTURE, join(out, 'arty.tgz'));
      expect(packed.manifest.artifacts).toEqual({ 'tool.sh': 'dist/artifacts/tool.sh' });
      const entries: string[] = [];
      await list({ file: packed.file, onReadEntry: (entry) => entries.push(entry.path) });
      expect(entries).toContain('package/dist/artifacts/tool.sh');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
