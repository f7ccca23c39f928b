import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveMasterAccess } from '@mesolite/daemon/auth/master-fetch';
import { masterKey, saveMaster } from '@mesolite/daemon/auth/saved-credentials';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('a login kept for a highly available cluster', () => {
  let dir: string;
  let path: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mesolite-cluster-login-'));
    path = join(dir, 'credentials');
    await saveMaster(path, 'zk://10.0.0.1:2181,10.0.0.2:2181/mesolite', { token: 'cluster-token' });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is keyed by the zk:// URL without its digest credentials', () => {
    expect(masterKey('zk://ops:secret@10.0.0.1:2181/mesolite/')).toBe(
      'zk://10.0.0.1:2181/mesolite',
    );
  });

  it('serves whichever master of the cluster leads now', async () => {
    const access = await resolveMasterAccess({
      master: 'https://10.0.0.2:5050',
      cluster: 'zk://10.0.0.1:2181,10.0.0.2:2181/mesolite',
      credentialsPath: path,
    });
    expect(access.token).toBe('cluster-token');
  });

  it('is not used for a master reached without the cluster’s zk:// URL', async () => {
    const access = await resolveMasterAccess({
      master: 'https://10.0.0.2:5050',
      credentialsPath: path,
    });
    expect(access.token).toBeUndefined();
  });
});
