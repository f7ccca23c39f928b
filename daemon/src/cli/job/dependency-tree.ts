/**
 * Chronos's dependency graph as text: each scheduled job at the left, the jobs that run
 * after it indented beneath, with their last outcome. Read from /scheduler/graph/csv,
 * whose lines are `node,NAME,LASTSTATE,STATE` and `link,PARENT,CHILD`.
 */
interface GraphNode {
  lastState: string;
  state: string;
  children: string[];
  parents: string[];
}

export function parseGraphCsv(csv: string): Map<string, GraphNode> {
  const nodes = new Map<string, GraphNode>();
  const node = (name: string) => {
    let found = nodes.get(name);
    if (!found) {
      found = { lastState: '', state: '', children: [], parents: [] };
      nodes.set(name, found);
    }
    return found;
  };
  for (const line of csv.split('\n')) {
    const [kind, first, second, third] = line.trim().split(',');
    if (kind === 'node' && first) {
      const entry = node(first);
      entry.lastState = second ?? '';
      entry.state = third ?? '';
    } else if (kind === 'link' && first && second) {
      node(first).children.push(second);
      node(second).parents.push(first);
    }
  }
  return nodes;
}

/** One line per job under each of its parents; a job with several parents says so. */
export function formatDependencyTree(nodes: Map<string, GraphNode>): string {
  const lines: string[] = [];
  const describe = (name: string, entry: GraphNode, parent: string | undefined) => {
    const others = entry.parents.filter((other) => other !== parent);
    const after = others.length > 0 ? ` (also after ${others.join(', ')})` : '';
    const last = entry.lastState
      ? ` [${entry.lastState}${entry.state ? `, ${entry.state}` : ''}]`
      : '';
    return `${name}${last}${after}`;
  };
  const walk = (name: string, depth: number, parent: string | undefined, path: string[]) => {
    const entry = nodes.get(name);
    if (!entry) return;
    lines.push(`${'  '.repeat(depth)}${depth > 0 ? '└─ ' : ''}${describe(name, entry, parent)}`);
    if (path.includes(name)) return;
    for (const child of [...entry.children].sort()) walk(child, depth + 1, name, [...path, name]);
  };
  const roots = [...nodes.entries()]
    .filter(([, entry]) => entry.parents.length === 0)
    .map(([name]) => name)
    .sort();
  for (const root of roots) walk(root, 0, undefined, []);
  return lines.length > 0 ? `${lines.join('\n')}\n` : 'no jobs\n';
}
