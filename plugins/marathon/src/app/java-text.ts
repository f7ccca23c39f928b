/**
 * The few JVM text conventions that leak into what Marathon shows users, reproduced so
 * that mesolite shows the same: how a Double prints (task environment, validation
 * messages), what java.net.URI accepts (`uris` and `fetch` validation), and what
 * Integer.parseInt accepts (constraint values).
 */

/**
 * Java's Double.toString: `128.0`, `0.5`, `1.0E7`, `1.0E-4`. Marathon puts resources in
 * the task environment this way (MARATHON_APP_RESOURCE_MEM=128.0), and accord prints
 * numbers in its messages this way.
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // JavaScript prints this range without an exponent, as Java does.
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Scala's `String.toInt` (Integer.parseInt): optional sign, decimal digits, 32 bits. */
export function isJavaInt(text: string): boolean {
  if (!/^[+-]?\d+$/.test(text)) return false;
  const value = Number(text);
  return value >= -(2 ** 31) && value < 2 ** 31;
}

// RFC 2396, as java.net.URI parses it.
const ALPHANUM = 'A-Za-z0-9';
const UNRESERVED_MARKS = String.raw`\-_.!~*'()`;
const RESERVED = ';/?:@&=+$,';
const URIC = new RegExp(`^[${ALPHANUM}${UNRESERVED_MARKS}${RESERVED}]$`);
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

interface ParsedUri {
  /** The path of a hierarchical URI; undefined for an opaque one (`mailto:a@b`). */
  readonly path: string | undefined;
}

/**
 * Parses a URI the way `new java.net.URI(text)` does, far enough to tell whether it
 * throws URISyntaxException: legal characters, `%` escapes, the scheme, a non-empty
 * scheme-specific part, an authority where `//` announces one, and brackets only around
 * an IPv6 authority.
 */
function parseJavaUri(text: string): ParsedUri | undefined {
  const hash = text.indexOf('#');
  const beforeFragment = hash === -1 ? text : text.slice(0, hash);
  const fragment = hash === -1 ? '' : text.slice(hash + 1);
  if (!legalUriCharacters(beforeFragment, true) || !legalUriCharacters(fragment, false)) {
    return undefined;
  }
  const firstDelimiter = beforeFragment.search(/[/?#]/);
  const colon = beforeFragment.indexOf(':');
  let rest = beforeFragment;
  if (colon !== -1 && (firstDelimiter === -1 || colon < firstDelimiter)) {
    const scheme = beforeFragment.slice(0, colon);
    if (!SCHEME.test(scheme)) return undefined;
    rest = beforeFragment.slice(colon + 1);
    if (rest === '') return undefined;
    if (!rest.startsWith('/')) {
      return rest.includes('[') || rest.includes(']') ? undefined : { path: undefined };
    }
  }
  let pathAndQuery = rest;
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    const authority = end === -1 ? rest.slice(2) : rest.slice(2, 2 + end);
    pathAndQuery = end === -1 ? '' : rest.slice(2 + end);
    if (authority === '' && pathAndQuery === '') return undefined;
    const bracketed = /^(?:[^@[\]]*@)?\[[0-9A-Fa-f:.]+\](?::\d*)?$/.test(authority);
    if (!bracketed && (authority.includes('[') || authority.includes(']'))) return undefined;
  }
  const query = pathAndQuery.indexOf('?');
  const path = query === -1 ? pathAndQuery : pathAndQuery.slice(0, query);
  if (pathAndQuery.includes('[') || pathAndQuery.includes(']')) return undefined;
  return { path };
}

function legalUriCharacters(text: string, brackets: boolean): boolean {
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (char === '%') {
      if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) return false;
      index += 2;
      continue;
    }
    if (URIC.test(char) || (brackets && (char === '[' || char === ']'))) continue;
    const code = char.charCodeAt(0);
    // java.net.URI admits "other" characters: non-ASCII, not control, not space.
    const other = code > 0x7f && !/[\p{Cc}\p{Zs}\p{Zl}\p{Zp}]/u.test(char);
    if (!other) return false;
  }
  return true;
}

/** True when `new java.net.URI(text)` would not throw. */
export function isValidJavaUri(text: string): boolean {
  return parseJavaUri(text) !== undefined;
}

/** java.net.URI#getPath, or undefined when the URI is invalid or opaque. */
export function javaUriPath(text: string): string | undefined {
  return parseJavaUri(text)?.path;
}
