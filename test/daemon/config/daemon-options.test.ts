import { resolveDaemonOptions } from '@mesolite/daemon';
import { describe, expect, it } from 'vitest';

describe('daemon options', () => {
  it('listens on 127.0.0.1:5050 by default', () => {
    const options = resolveDaemonOptions({});
    expect(options.host).toBe('127.0.0.1');
    expect(options.port).toBe(5050);
  });

  it('keeps data in ~/.mesolite unless told otherwise', () => {
    const { workDir } = resolveDaemonOptions({});
    expect(workDir.endsWith('/.mesolite')).toBe(true);
  });

  it.each(['127.0.0.1', '127.1.2.3', '::1', 'localhost'])(
    'accepts the loopback address %s',
    (host) => {
      expect(resolveDaemonOptions({ host }).host).toBe(host);
    },
  );

  it.each(['0.0.0.0', '192.168.1.10', '::', 'example.com'])(
    'turns authentication on to listen beyond loopback on %s',
    (host) => {
      expect(resolveDaemonOptions({ host }).auth).toBe(true);
    },
  );

  it('leaves loopback without authentication unless asked', () => {
    expect(resolveDaemonOptions({}).auth).toBeUndefined();
    expect(resolveDaemonOptions({ auth: true }).auth).toBe(true);
  });

  it('refuses a port out of range, naming the option', () => {
    expect(() => resolveDaemonOptions({ port: 70000 })).toThrow(/Invalid port/);
  });
});
