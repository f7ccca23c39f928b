import { formatZooKeeperUrl, parseZooKeeperUrl } from '@mesolite/daemon/ha/zk-url';
import { describe, expect, it } from 'vitest';

describe('parseZooKeeperUrl', () => {
  it('reads the servers and the path of a Mesos --zk URL', () => {
    expect(parseZooKeeperUrl('zk://10.0.0.1:2181,10.0.0.2:2182,zk3.lan:2183/mesos')).toEqual({
      servers: [
        { host: '10.0.0.1', port: 2181 },
        { host: '10.0.0.2', port: 2182 },
        { host: 'zk3.lan', port: 2183 },
      ],
      connectionString: '10.0.0.1:2181,10.0.0.2:2182,zk3.lan:2183',
      path: '/mesos',
    });
  });

  it('takes ZooKeeper’s port 2181 when a server names none', () => {
    expect(parseZooKeeperUrl('zk://localhost/mesolite').connectionString).toBe('localhost:2181');
  });

  it('takes the root as the path when none is given, as Mesos does', () => {
    expect(parseZooKeeperUrl('zk://127.0.0.1:2181').path).toBe('/');
  });

  it('keeps nested paths', () => {
    expect(parseZooKeeperUrl('zk://127.0.0.1:2181/teams/a/mesolite').path).toBe(
      '/teams/a/mesolite',
    );
  });

  it('reads user:password@ as digest credentials, as Mesos does, and leaves them out when printed', () => {
    const url = parseZooKeeperUrl('zk://ops:s3cret@127.0.0.1:2181/mesolite');
    expect(url.digestCredentials).toBe('ops:s3cret');
    expect(url.connectionString).toBe('127.0.0.1:2181');
    expect(formatZooKeeperUrl(url)).toBe('zk://127.0.0.1:2181/mesolite');
  });

  it.each([
    ['another scheme', 'http://127.0.0.1:2181/mesolite', 'must start with zk://'],
    ['no server', 'zk:///mesolite', 'names no ZooKeeper server'],
    ['an empty server in the list', 'zk://a:2181,,b:2181/m', 'is not a host[:port]'],
    ['a port out of range', 'zk://a:70000/m', 'port 70000'],
    ['a trailing slash', 'zk://a:2181/mesolite/', 'trailing /'],
    ['a relative segment', 'zk://a:2181/x/../y', 'segments'],
    ['credentials without a password separator', 'zk://ops@a:2181/m', 'user:password@'],
    ['a control character in the path', 'zk://a:2181/m\u0001', 'does not allow'],
  ])('refuses %s with a coded, actionable error', (_label, url, problem) => {
    expect(() => parseZooKeeperUrl(url)).toThrow(
      expect.objectContaining({
        code: 'MESOLITE_ERR_ZK_URL',
        message: expect.stringContaining(problem),
      }),
    );
  });
});
