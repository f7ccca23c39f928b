/** DC/OS media types and the response version a client's Accept header asks for. */
import { negotiateVersion, parseMediaType } from '@mesolite/daemon/catalog/media-types';
import { describe, expect, it } from 'vitest';

const v = (kind: string, n: number) =>
  `application/vnd.dcos.package.${kind}+json;charset=utf-8;version=v${n}`;

describe('media types', () => {
  it('parses parameters case-insensitively', () => {
    expect(
      parseMediaType('Application/VND.dcos.package.error+json; Charset=utf-8; version=v1'),
    ).toEqual({
      type: 'application',
      subtype: 'vnd.dcos.package.error+json',
      parameters: { charset: 'utf-8', version: 'v1' },
    });
  });

  it('answers the version the client asks for', () => {
    expect(negotiateVersion(v('describe-response', 2), 'describe-response', [3, 2], 3)).toBe(2);
    expect(negotiateVersion(v('describe-response', 3), 'describe-response', [3, 2], 3)).toBe(3);
  });

  it('takes the client’s preference order and q values', () => {
    const accept = `${v('install-response', 1)};q=0.5,${v('install-response', 2)}`;
    expect(negotiateVersion(accept, 'install-response', [2, 1], 2)).toBe(2);
  });

  it('answers the newest version to clients asking for JSON, anything, or nothing', () => {
    for (const accept of [undefined, 'application/json', '*/*'])
      expect(negotiateVersion(accept, 'install-response', [2, 1], 2)).toBe(2);
  });

  it('finds nothing acceptable when only unknown versions are asked for', () => {
    expect(
      negotiateVersion(v('describe-response', 9), 'describe-response', [3, 2], 3),
    ).toBeUndefined();
  });
});
