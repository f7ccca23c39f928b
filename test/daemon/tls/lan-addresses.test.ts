import { reachableOrigin } from '@mesolite/daemon/tls/lan-addresses';
import { describe, expect, it } from 'vitest';

describe('the master URL handed to other hosts', () => {
  it('names the LAN address in place of a wildcard listen address', () => {
    expect(reachableOrigin('https://0.0.0.0:5050', () => '10.1.2.3')).toBe('https://10.1.2.3:5050');
    expect(reachableOrigin('http://[::]:5050', () => '10.1.2.3')).toBe('http://10.1.2.3:5050');
  });

  it('falls back to loopback on a machine with no LAN address', () => {
    expect(reachableOrigin('http://0.0.0.0:5050', () => undefined)).toBe('http://127.0.0.1:5050');
  });

  it('keeps an address the master was bound to', () => {
    expect(reachableOrigin('https://192.168.1.20:5050/', () => '10.1.2.3')).toBe(
      'https://192.168.1.20:5050',
    );
  });
});
