/**
 * Chronos's /scheduler/graph/csv read back into a forest: `node,NAME,LAST,STATE` lines
 * and `link,PARENT,CHILD` lines. A job with several parents appears under each of them.
 */

export interface GraphNode {
  readonly name: string;
  readonly lastState: string;
  readonly state: string;
}

export interface TreeEntry {
  readonly node: GraphNode;
  /** Nesting depth under its root (0 for a job with no parents). */
  readonly depth: number;
  /** Set when the job was already drawn above on this branch (a cycle in the links). */
  readonly repeated: boolean;
}

export function parseGraphCsv(csv: string): { nodes: GraphNode[]; links: [string, string][] } {
  const nodes: GraphNode[] = [];
  const links: [string, string][] = [];
  for (const line of csv.split('\n')) {
    const [kind, a, b, c] = line.split(',');
    if (kind === 'node' && a !== undefined) {
      nodes.push({ name: a, lastState: b ?? '', state: c ?? '' });
    } else if (kind === 'link' && a !== undefined && b !== undefined) {
      links.push([a, b]);
    }
  }
  return { nodes, links };
}

/** The forest in drawing order: each root, then its children depth-first. */
export function dependencyTree(csv: string): TreeEntry[] {
  const { nodes, links } = parseGraphCsv(csv);
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const children = new Map<string, string[]>();
  const hasParent = new Set<string>();
  for (const [parent, child] of links) {
    children.set(parent, [...(children.get(parent) ?? []), child]);
    hasParent.add(child);
  }
  const entries: TreeEntry[] = [];
  const visit = (name: string, depth: number, path: ReadonlySet<string>) => {
    const node = byName.get(name) ?? { name, lastState: '', state: '' };
    const repeated = path.has(name);
    entries.push({ node, depth, repeated });
    if (repeated) return;
    const next = new Set(path).add(name);
    for (const child of children.get(name) ?? []) visit(child, depth + 1, next);
  };
  for (const node of nodes) if (!hasParent.has(node.name)) visit(node.name, 0, new Set());
  return entries;
}
