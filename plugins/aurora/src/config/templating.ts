/**
 * pystachio's `{{mustache}}` references: `{{name}}`, `{{task.name}}`,
 * `{{processes[0].name}}`, `{{thermos.ports[http]}}`. A reference resolves in the first
 * scope that has its head name; `thermos.*` and `mesos.*` stay in the text for the
 * runner to fill in at launch.
 */
import { Empty, StructValue } from './pystachio.js';
import {
  PyDict,
  PyError,
  PyFloat,
  PyList,
  PyTuple,
  type PyValue,
  str,
  typeName,
} from './values.js';

/** A `.bind()` map or a Struct whose fields are names for everything inside it. */
export type Scope = ReadonlyMap<string, PyValue> | StructValue;

const MUSTACHE = /\{\{\s*([^{}]*?)\s*\}\}/g;
/** Templates that resolve to more templates stop here, so a self-reference cannot loop. */
const MAX_INTERPOLATION_DEPTH = 16;
export const LAUNCH_NAMESPACES = new Set(['thermos', 'mesos']);

export function hasMustache(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}

export type RefPart = { kind: 'name'; name: string } | { kind: 'key'; key: string };

/** `processes[0].name` as [name processes, key 0, name name]; null if it is not a reference. */
export function parseRef(text: string): RefPart[] | null {
  const m = /^([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[[^\][]*\])*)$/.exec(text);
  if (!m) return null;
  const parts: RefPart[] = [{ kind: 'name', name: m[1] as string }];
  for (const piece of (m[2] ?? '').match(/\.[A-Za-z_][\w-]*|\[[^\][]*\]/g) ?? []) {
    parts.push(
      piece.startsWith('.')
        ? { kind: 'name', name: piece.slice(1) }
        : { kind: 'key', key: piece.slice(1, -1) },
    );
  }
  return parts;
}

function step(value: PyValue, part: RefPart): PyValue | undefined {
  const key = part.kind === 'name' ? part.name : part.key;
  if (value instanceof StructValue) {
    const v = value.value(key);
    return v === Empty ? undefined : v;
  }
  if (value instanceof PyDict)
    return value.get(key) ?? (/^-?\d+$/.test(key) ? value.get(Number(key)) : undefined);
  if ((value instanceof PyList || value instanceof PyTuple) && /^-?\d+$/.test(key)) {
    const i = Number(key);
    return value.items[i < 0 ? value.items.length + i : i];
  }
  return undefined;
}

/**
 * The value and the struct that holds it: a template inside the value resolves in that
 * struct's scope first (`{{task.name}}` is `{{processes[0].name}}` of the task).
 */
function lookup(
  text: string,
  parts: RefPart[],
  scopes: readonly Scope[],
): { value: PyValue; owner: StructValue | null } | undefined {
  const [head, ...rest] = parts;
  if (head?.kind !== 'name') return undefined;
  for (const scope of scopes) {
    // A binding may name a whole path (`--bind profile.role=web`), as pystachio allows.
    const whole = scope instanceof StructValue || rest.length === 0 ? undefined : scope.get(text);
    if (whole !== undefined) return { value: whole, owner: null };
    const start = scope instanceof StructValue ? scope.value(head.name) : scope.get(head.name);
    if (start === undefined || start === Empty) continue;
    let owner = scope instanceof StructValue ? scope : null;
    let value: PyValue | undefined = start;
    for (const part of rest) {
      if (value === undefined) break;
      if (value instanceof StructValue) owner = value;
      value = step(value, part);
    }
    // pystachio keeps searching outer scopes when an inner one lacks the full path.
    if (value !== undefined) return { value, owner };
  }
  return undefined;
}

/**
 * Replaces every reference that `scopes` resolve; adds the head of every other one
 * (except launch-time names) to `unbound` and leaves it in the text.
 */
export function interpolate(
  text: string,
  scopes: readonly Scope[],
  unbound: Set<string>,
  depth = 0,
): string {
  if (!text.includes('{{')) return text;
  if (depth > MAX_INTERPOLATION_DEPTH) {
    throw new PyError(
      'InterpolationError',
      `templates nest deeper than ${MAX_INTERPOLATION_DEPTH} levels in '${text.slice(0, 80)}'`,
    );
  }
  return text.replace(MUSTACHE, (whole, ref: string) => {
    const parts = parseRef(ref);
    if (!parts) throw new PyError('InterpolationError', `'${whole}' is not a valid reference`);
    const head = (parts[0] as { name: string }).name;
    const found = lookup(ref, parts, scopes);
    if (found === undefined) {
      if (!LAUNCH_NAMESPACES.has(head)) unbound.add(ref);
      return whole;
    }
    const { value, owner } = found;
    if (
      value instanceof StructValue ||
      value instanceof PyList ||
      value instanceof PyDict ||
      value instanceof PyTuple
    ) {
      throw new PyError(
        'InterpolationError',
        `'${whole}' refers to a ${typeName(value)}, not a single value`,
      );
    }
    const rendered = value instanceof PyFloat || typeof value !== 'string' ? str(value) : value;
    const inner = owner ? [...owner.bindings(), owner, ...scopes] : scopes;
    return interpolate(rendered, inner, unbound, depth + 1);
  });
}
