import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HaMaster } from '@mesolite/daemon/ha/ha-master';
import { packPlugin } from '@mesolite/daemon/plugins/plugin-packer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { upload } from '../plugins/support/plugin-packages.js';
import { useZooKeeper } from './ha-fixture.js';

const LEDGER = join(import.meta.dirname, '../plugins/fixtures/ledger');

const zk = useZooKeeper();
let packDir: string;
/** The ledger plugin as `mesolite plugin pack` makes it, and a second edition of it. */
let ledgerV1: Buffer;
let ledgerV2: Buffer;

beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), 'mesolite-replication-pack-'));
  ledgerV1 = await readFile((await packPlugin(LEDGER, join(packDir, 'ledger-1.tgz'))).file);
  const second = join(packDir, 'ledger-2');
  await cp(LEDGER, second, { recursive: true });
  const manifest = JSON.parse(await readFile(join(second, 'package.json'), 'utf8'));
  manifest.version = '2.0.0';
  manifest.mesolite.config.edition = 'second';
  await writeFile(join(second, 'package.json'), JSON.stringify(manifest));
  ledgerV2 = await readFile((await packPlugin(second, join(packDir, 'ledger-2.tgz'))).file);
}, 120_000);
afterAll(async () => {
  if (packDir) await rm(packDir, { recursive: true, force: true });
});

async function following(follower: HaMaster, leader: HaMaster): Promise<void> {
  await waitFor(`${follower.url} to know ${leader.url} leads`, async () =>
    follower.leadership.leader()?.id === leader.self.id ? true : undefined,
  );
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function json(response: Response | Promise<Response>): Promise<unknown> {
  return (await response).json();
}

interface PluginList {
  plugins: Array<{ name: string; version: string; status: string }>;
  broken: unknown[];
}

describe('plugins installed at run time on highly available masters', () => {
  it('run on the next leader with their state and framework id, and are gone from every master once removed', async () => {
    const zkUrl = zk.nextUrl('plugin-replication');
    const first = await zk.haMaster(zkUrl);
    const firstDir = zk.workDirOf(first);
    await first.waitUntilLeading();
    const second = await zk.haMaster(zkUrl);
    await following(second, first);

    // Installed through the follower, which hands it to the leader.
    const installed = await upload(second.url, ledgerV1);
    expect(installed.status).toBe(201);
    expect(await installed.json()).toMatchObject({ name: 'ledger', status: 'active' });
    const put = await fetch(`${second.url}/service/ledger/entries/rent`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 700 }),
    });
    expect(put.status).toBe(200);
    const { id } = (await json(fetch(`${first.url}/service/ledger/framework`))) as { id: string };

    await first.stop();
    const next = await second.waitUntilLeading();
    expect(next.plugins.status('ledger')).toBe('active');
    expect(await json(fetch(`${second.url}/service/ledger/entries/rent`))).toEqual({
      amount: 700,
    });
    expect(await json(fetch(`${second.url}/service/ledger/framework`))).toEqual({ id });
    const ledgers = [...next.master.frameworks.values()].filter(
      (framework) => framework.info.name === 'ledger',
    );
    expect(ledgers.map((framework) => [framework.id, framework.connected])).toEqual([[id, true]]);

    // The first master comes back with the ledger's files from its own term, and follows.
    const restarted = await zk.haMaster(zkUrl, { workDir: firstDir });
    await following(restarted, second);
    expect(await exists(join(firstDir, 'plugins/ledger/package.json'))).toBe(true);
    const removed = await fetch(`${restarted.url}/mesolite/v1/plugins/ledger`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(204);

    await second.stop();
    await restarted.waitUntilLeading();
    expect((await fetch(`${restarted.url}/service/ledger/framework`)).status).toBe(404);
    const list = (await json(fetch(`${restarted.url}/mesolite/v1/plugins`))) as PluginList;
    expect(list.plugins.map(({ name }) => name)).toEqual([]);
    expect(list.broken).toEqual([]);
    expect(await exists(join(firstDir, 'plugins/ledger'))).toBe(false);
  });

  it('reach the next leader upgraded and disabled, as the last leader left them', async () => {
    const zkUrl = zk.nextUrl('plugin-replication');
    const first = await zk.haMaster(zkUrl);
    const firstDir = zk.workDirOf(first);
    await first.waitUntilLeading();
    expect((await upload(first.url, ledgerV1)).status).toBe(201);
    const { id } = (await json(fetch(`${first.url}/service/ledger/framework`))) as { id: string };
    const second = await zk.haMaster(zkUrl);
    await following(second, first);

    await first.stop();
    await second.waitUntilLeading();
    expect(await json(fetch(`${second.url}/service/ledger/edition`))).toEqual({
      edition: 'first',
    });
    // Back as a follower, with the first edition in its work dir.
    const restarted = await zk.haMaster(zkUrl, { workDir: firstDir });
    await following(restarted, second);
    const upgraded = await upload(restarted.url, ledgerV2, 'PUT', '/mesolite/v1/plugins/ledger');
    expect(upgraded.status).toBe(200);
    expect(await upgraded.json()).toMatchObject({ version: '2.0.0', status: 'active' });
    const disabled = await fetch(`${restarted.url}/mesolite/v1/plugins/ledger/disable`, {
      method: 'POST',
    });
    expect(await disabled.json()).toMatchObject({ status: 'disabled' });

    await second.stop();
    await restarted.waitUntilLeading();
    const list = (await json(fetch(`${restarted.url}/mesolite/v1/plugins`))) as PluginList;
    expect(list.plugins).toMatchObject([{ name: 'ledger', version: '2.0.0', status: 'disabled' }]);
    expect((await fetch(`${restarted.url}/service/ledger/edition`)).status).toBe(503);

    const enabled = await fetch(`${restarted.url}/mesolite/v1/plugins/ledger/enable`, {
      method: 'POST',
    });
    expect(await enabled.json()).toMatchObject({ status: 'active' });
    expect(await json(fetch(`${restarted.url}/service/ledger/edition`))).toEqual({
      edition: 'second',
    });
    expect(await json(fetch(`${restarted.url}/service/ledger/framework`))).toEqual({ id });
  });
});
