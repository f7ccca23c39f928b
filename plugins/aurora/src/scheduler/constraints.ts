/**
 * Aurora's job constraints, as an offer filter, pure. A job's `constraints` map an agent
 * attribute to either values (`'a,b'`: the agent's value is one of them; `'!a,b'`: it is
 * none of them) or a limit (`'limit:N'`: at most N active tasks of the job on agents with
 * the same value). The attribute `host` is the agent's hostname, as in Aurora.
 */
import type { Attribute } from '@mesolite/daemon/protocol/mesos';

/** An agent's attributes as text, `host` included. */
export function agentAttributes(
  hostname: string,
  attributes: readonly Attribute[] | undefined,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const attribute of attributes ?? []) {
    if (attribute.text !== undefined) values[attribute.name] = attribute.text.value;
    else if (attribute.scalar !== undefined)
      values[attribute.name] = String(attribute.scalar.value);
  }
  values.host = hostname;
  return values;
}

/**
 * Why the agent cannot take another task of the job, or undefined when it can.
 * `placed` holds the attributes of the agents the job's active tasks run on.
 */
export function constraintProblem(
  constraints: Readonly<Record<string, string>> | undefined,
  agent: Readonly<Record<string, string>>,
  placed: readonly Readonly<Record<string, string>>[],
): string | undefined {
  for (const [name, rule] of Object.entries(constraints ?? {})) {
    const value = Object.hasOwn(agent, name) ? agent[name] : undefined;
    const limit = /^limit:(\d+)$/.exec(rule);
    if (limit?.[1] !== undefined) {
      if (value === undefined) return `the agent has no attribute ${name}`;
      const taken = placed.filter((other) => other[name] === value).length;
      if (taken >= Number(limit[1])) return `limit:${limit[1]} on ${name}=${value} is reached`;
      continue;
    }
    const negated = rule.startsWith('!');
    const values = (negated ? rule.slice(1) : rule).split(',').map((v) => v.trim());
    const matches = value !== undefined && values.includes(value);
    if (negated === matches) return `${name}=${value ?? '(none)'} does not satisfy ${rule}`;
  }
  return undefined;
}
