/**
 * DC/OS's media types. Cosmos negotiates every request and response with them:
 * `application/vnd.dcos.package.<kind>+json;charset=utf-8;version=vN`.
 */

export interface MediaType {
  type: string;
  subtype: string;
  parameters: Record<string, string>;
}

export function dcosPackageType(kind: string, version: number): string {
  return `application/vnd.dcos.package.${kind}+json;charset=utf-8;version=v${version}`;
}

export function universeRepoType(version: 'v3' | 'v4' | 'v5'): string {
  return `application/vnd.dcos.universe.repo+json;charset=utf-8;version=${version}`;
}

export function universePackageType(packagingVersion: '2.0' | '3.0' | '4.0'): string {
  const version = { '2.0': 'v2', '3.0': 'v3', '4.0': 'v4' }[packagingVersion];
  return `application/vnd.dcos.universe.package+json;charset=utf-8;version=${version}`;
}

export const CAPABILITIES_TYPE = 'application/vnd.dcos.capabilities+json;charset=utf-8;version=v1';
export const ERROR_TYPE = dcosPackageType('error', 1);

export function parseMediaType(text: string): MediaType | undefined {
  const [essence = '', ...params] = text.split(';');
  const [type, subtype] = essence.trim().toLowerCase().split('/');
  if (!type || !subtype) return undefined;
  const parameters: Record<string, string> = {};
  for (const param of params) {
    const at = param.indexOf('=');
    if (at < 0) continue;
    const name = param.slice(0, at).trim().toLowerCase();
    parameters[name] = param
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type, subtype, parameters };
}

/** The media types of an Accept header, in the client's order of preference. */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => parseMediaType(part))
    .filter((type): type is MediaType => type !== undefined)
    .map((type, index) => ({ type, index, q: Number(type.parameters.q ?? '1') }))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map(({ type }) => type);
}

/**
 * Which of `offered` versions of a response the client accepts, best first, or
 * undefined when none fits. `*\/*` and `application/json` take `fallback`.
 */
export function negotiateVersion(
  accept: string | undefined,
  kind: string,
  offered: readonly number[],
  fallback: number,
): number | undefined {
  const types = parseAccept(accept);
  if (types.length === 0) return fallback;
  for (const type of types) {
    if (type.type === '*' || (type.type === 'application' && type.subtype === '*')) return fallback;
    if (type.type === 'application' && type.subtype === 'json') return fallback;
    if (type.type !== 'application' || type.subtype !== `vnd.dcos.package.${kind}+json`) continue;
    const wanted = type.parameters.version;
    if (wanted === undefined) return fallback;
    const number = Number(wanted.replace(/^v/, ''));
    if (offered.includes(number)) return number;
  }
  return undefined;
}
