/** A value placed inside a search filter (RFC 4515), so a login name cannot widen the search. */
export function escapeFilterValue(value: string): string {
  return value.replace(
    /[\\*()\0]/g,
    (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** A value placed in a DN attribute value (RFC 4514), so a login name cannot name another entry. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=\0]/g, (char) => (char === '\0' ? '\\00' : `\\${char}`))
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

export function fillTemplate(
  template: string,
  name: 'username' | 'groupname',
  value: string,
): string {
  return template.replaceAll(`%(${name})s`, value);
}
