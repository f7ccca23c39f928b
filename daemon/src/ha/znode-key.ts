/**
 * Store keys as znode names. A key may hold anything (slashes, dots, emoji), and a
 * znode name may not contain `/`, be `.` or `..`, or hold control and private-use
 * characters; so every UTF-8 byte outside [A-Za-z0-9_-] is written %XX. The mapping is
 * one to one and reversible, and the result is plain ASCII.
 */
export function encodeZnodeKey(key: string): string {
  let name = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    name += isPlain(byte)
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return name;
}

/** The key a name from {@link encodeZnodeKey} stands for; undefined for any other name. */
export function decodeZnodeKey(name: string): string | undefined {
  const bytes: number[] = [];
  for (let index = 0; index < name.length; index += 1) {
    const code = name.charCodeAt(index);
    if (code === 0x25) {
      const hex = name.slice(index + 1, index + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else if (isPlain(code)) {
      bytes.push(code);
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function isPlain(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x5f ||
    byte === 0x2d
  );
}
