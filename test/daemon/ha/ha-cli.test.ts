import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';

describe('mesolite master --zk, refusing what it cannot do', () => {
  it('refuses a --zk that is not a zk:// URL, saying how to write one', async () => {
    const result = await runCli([
      'master',
      '--zk',
      'http://127.0.0.1:2181/mesolite',
      '--port',
      '0',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('zk://HOST:PORT');
  });

  it('refuses --zk together with --auth, before contacting ZooKeeper', async () => {
    const result = await runCli([
      'master',
      '--zk',
      'zk://127.0.0.1:9/mesolite',
      '--auth',
      '--port',
      '0',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MESOLITE_ERR_INVALID_OPTION');
  });
});
