/**
 * `mesolite image import` against a daemon with auth on: over HTTPS with the cluster's
 * CA, a change only an admin may make, and the agent downloads the tarball with the
 * importing admin's credentials.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';
import { busyboxImage, dockerEngine } from '../../support/real-services.js';
import { ADMIN, type SecureDaemon, startSecureDaemon, VIEWER } from '../auth/secure-daemon.js';

const IMPORTED = 'mesolite-test/imported-secure:1';

async function removeTag(docker: Docker): Promise<void> {
  await docker
    .getImage(IMPORTED)
    .remove({ noprune: true })
    .catch(() => undefined);
}

describe('image import with auth on', () => {
  let docker: Docker;
  let daemon: SecureDaemon;
  let dir: string;
  let tarball: string;
  const importAs = (token: string) =>
    runCli([
      'image',
      'import',
      tarball,
      '--master',
      daemon.url,
      '--token',
      token,
      '--ca-cert',
      join(daemon.workDir, 'tls', 'ca.crt'),
    ]);

  beforeAll(async () => {
    docker = await dockerEngine();
    const busybox = await busyboxImage(docker);
    dir = await mkdtemp(join(tmpdir(), 'mesolite-secure-images-'));
    const [repo, tag] = IMPORTED.split(':') as [string, string];
    await docker.getImage(busybox).tag({ repo, tag });
    tarball = join(dir, 'imported.tar');
    await pipeline(await docker.getImage(IMPORTED).get(), createWriteStream(tarball));
    await removeTag(docker);
    daemon = await startSecureDaemon({ agent: true });
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    if (docker) await removeTag(docker);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a viewer with 403 and loads nothing', async () => {
    const result = await importAs(await daemon.login(VIEWER));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('403');
    const images = await docker.listImages({ filters: { reference: [IMPORTED] } });
    expect(images).toEqual([]);
  });

  it("loads an admin's tarball through the agent's HTTPS download", async () => {
    const result = await importAs(await daemon.login(ADMIN));
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`loaded ${IMPORTED}`);
  });
});
