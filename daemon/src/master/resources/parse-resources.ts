/**
 * The agent's --resources flag, read as Mesos's Resources::parse reads it:
 * `cpus:4;mem:2048;disk:10000;ports:[31000-32000,33000-33100];gpus:0;foo:{a,b}`, each
 * part optionally reserved with `name(role):value`, or a JSON array of v1 `Resource`
 * objects. Empty parts are skipped and zero amounts vanish, as in Mesos.
 */
import {
  type MesosResourceLike,
  ResourceBag,
  type ResourceType,
  type ResourceValue,
  roleProblem,
  UNRESERVED,
} from './resource-bag.js';
import { InvalidResourcesError } from './resource-errors.js';

export interface ParseResourcesOptions {
  /** The role of parts written without one; Mesos's --default_role, "*" unless given. */
  defaultRole?: string;
}

// A number as Mesos's numify<double> reads one, without signs, hex, or Infinity.
const SCALAR = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RANGE = /^(\d+)\s*-\s*(\d+)$/;

export function parseResources(text: string, options: ParseResourcesOptions = {}): ResourceBag {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return parseJson(trimmed);

  const defaultRole = options.defaultRole ?? UNRESERVED;
  const types = new Map<string, ResourceType>();
  let bag = ResourceBag.EMPTY;
  for (const raw of trimmed.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const where = JSON.stringify(part);
    const { name, role } = parseHead(part, where, defaultRole);
    const { type, value } = parseValue(part.slice(part.indexOf(':') + 1).trim(), where);
    const known = types.get(name);
    if (known !== undefined && known !== type) {
      throw new InvalidResourcesError(
        where,
        `"${name}" was ${known} earlier in the list and is ${type} here; a resource name has one type`,
      );
    }
    types.set(name, type);
    bag = bag.add(ResourceBag.of({ [name]: value }, role));
  }
  return bag;
}

function parseJson(text: string): ResourceBag {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidResourcesError('(JSON)', `not valid JSON: ${(error as Error).message}`);
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((item) => typeof item === 'object' && item !== null)
  ) {
    throw new InvalidResourcesError('(JSON)', 'expected an array of Resource objects');
  }
  return ResourceBag.fromMesos(parsed as MesosResourceLike[]);
}

function parseHead(
  part: string,
  where: string,
  defaultRole: string,
): { name: string; role: string } {
  const colons = part.split(':').length - 1;
  if (colons !== 1) {
    throw new InvalidResourcesError(
      where,
      colons === 0
        ? 'expected name:value, and there is no ":"'
        : 'expected name:value, and there is more than one ":"',
    );
  }
  const head = part.slice(0, part.indexOf(':')).trim();
  const open = head.indexOf('(');
  let name = head;
  let role = defaultRole;
  if (open >= 0 || head.includes(')')) {
    const close = head.indexOf(')');
    if (open < 0 || close < open || close !== head.length - 1) {
      throw new InvalidResourcesError(
        where,
        'a role is written name(role), with matching parentheses',
      );
    }
    name = head.slice(0, open).trim();
    role = head.slice(open + 1, close).trim();
  }
  if (name === '') throw new InvalidResourcesError(where, 'the resource has no name');
  const problem = roleProblem(role);
  if (problem !== undefined) throw new InvalidResourcesError(where, problem);
  return { name, role };
}

function parseValue(text: string, where: string): { type: ResourceType; value: ResourceValue } {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new InvalidResourcesError(where, 'ranges must end with "]"');
    const ranges: Array<[number, number]> = [];
    for (const raw of text.slice(1, -1).split(',')) {
      const token = raw.trim();
      if (token === '') continue;
      const match = RANGE.exec(token);
      if (!match) {
        throw new InvalidResourcesError(
          where,
          `range "${token}" is not begin-end with whole numbers, as in [31000-32000]`,
        );
      }
      const begin = Number(match[1]);
      const end = Number(match[2]);
      if (begin > end) {
        throw new InvalidResourcesError(where, `range "${token}" ends before it begins`);
      }
      ranges.push([begin, end]);
    }
    return { type: 'RANGES', value: ranges };
  }
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new InvalidResourcesError(where, 'a set must end with "}"');
    const items = text
      .slice(1, -1)
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return { type: 'SET', value: items };
  }
  if (text.startsWith('-') && SCALAR.test(text.slice(1))) {
    throw new InvalidResourcesError(where, `${text} is negative`);
  }
  if (!SCALAR.test(text)) {
    throw new InvalidResourcesError(
      where,
      `"${text}" is not a number, [begin-end,...] ranges or a {a,b} set`,
    );
  }
  return { type: 'SCALAR', value: Number(text) };
}
