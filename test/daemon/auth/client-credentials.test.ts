import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/daemon.js';
import { ADMIN, type SecureDaemon, startSecureDaemon } from './secure-daemon.js';

describe('client commands against a master with auth on', () => {
  let daemon: SecureDaemon;
  let token: string;

  beforeAll(async () => {
    daemon = await startSecureDaemon();
    token = await daemon.login(ADMIN);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  /** No saved login of the machine running the tests may leak in. */
  const env = { MESOLITE_CREDENTIALS: '/nonexistent/credentials', MESOLITE_TOKEN: '' };

  it('mesolite health verifies the master with --ca-cert', async () => {
    const result = await runCli(
      ['health', '--master', daemon.url, '--ca-cert', daemon.caFile ?? ''],
      env,
    );
    expect(result.stdout).toContain('healthy');
    expect(result.code).toBe(0);
  });

  it('mesolite plugin list sends --token', async () => {
    const result = await runCli(
      [
        'plugin',
        'list',
        '--master',
        daemon.url,
        '--ca-cert',
        daemon.caFile ?? '',
        '--token',
        token,
      ],
      env,
    );
    expect(result.stdout).toContain('NAME');
    expect(result.code).toBe(0);
  });

  it('mesolite plugin list takes the token and CA from the environment', async () => {
    const result = await runCli(['plugin', 'list', '--master', daemon.url], {
      ...env,
      MESOLITE_TOKEN: token,
      MESOLITE_CA_CERT: daemon.caFile ?? '',
    });
    expect(result.code).toBe(0);
  });

  it('mesolite plugin list without a credential says the master wants a login', async () => {
    const result = await runCli(
      ['plugin', 'list', '--master', daemon.url, '--ca-cert', daemon.caFile ?? ''],
      env,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('login');
  });

  it('mesolite app list (a service client) uses MESOLITE_TOKEN and MESOLITE_CA_CERT', async () => {
    const result = await runCli(['app', 'list', '--master', daemon.url], {
      ...env,
      MESOLITE_TOKEN: token,
      MESOLITE_CA_CERT: daemon.caFile ?? '',
    });
    // No Marathon runs on this master: the plugin's absence, not a TLS or login failure.
    expect(result.stderr).not.toMatch(/certificate|401|credentials/i);
  });
});
