/**
 * The jobs' dependency graph: parents to children. Chronos keeps it as a JGraphT DAG;
 * here it is derived from the jobs' `parents` whenever it is needed, and checked for
 * cycles before a job is stored.
 */

/** A job as the graph sees it. */
export interface GraphJob {
  readonly name: string;
  readonly parents?: readonly string[] | undefined;
}

/** The jobs naming `name` among their parents, sorted. */
export function childrenOf(jobs: Iterable<GraphJob>, name: string): string[] {
  const children: string[] = [];
  for (const job of jobs) if (job.parents?.includes(name)) children.push(job.name);
  return children.sort();
}

/**
 * A cycle through the parents, as a path that starts and ends with the same job
 * (`a -> b -> a`), or undefined when the graph is acyclic.
 */
export function findCycle(jobs: Iterable<GraphJob>): string[] | undefined {
  const parentsOf = new Map<string, readonly string[]>();
  for (const job of jobs) parentsOf.set(job.name, job.parents ?? []);
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const at = onPath.indexOf(name);
    if (at >= 0) return [...onPath.slice(at), name].reverse();
    if (done.has(name)) return undefined;
    onPath.push(name);
    for (const parent of parentsOf.get(name) ?? []) {
      const cycle = visit(parent);
      if (cycle) return cycle;
    }
    onPath.pop();
    done.add(name);
    return undefined;
  };
  for (const name of [...parentsOf.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * The graph in Graphviz's language as Chronos's /scheduler/graph/dot writes it (JGraphT's
 * DOTExporter): every job a node with an integer id and its name as label, then one
 * edge per parent-child link.
 */
export function renderDot(jobs: readonly GraphJob[]): string {
  const sorted = [...jobs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const ids = new Map(sorted.map((job, index) => [job.name, index + 1]));
  const lines = ['digraph G {'];
  for (const job of sorted)
    lines.push(`  ${ids.get(job.name)} [ label="${dotEscape(job.name)}" ];`);
  for (const job of sorted) {
    for (const parent of job.parents ?? []) {
      const from = ids.get(parent);
      if (from !== undefined) lines.push(`  ${from} -> ${ids.get(job.name)};`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function dotEscape(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

/** What /scheduler/graph/csv says about a job: its last run's outcome and what it does now. */
export interface CsvNode {
  readonly name: string;
  readonly parents?: readonly string[] | undefined;
  /** fresh (never ran), success or failure. */
  readonly lastState: 'fresh' | 'success' | 'failure';
  /** idle, queued or running. */
  readonly state: 'idle' | 'queued' | 'running';
}

/** Chronos's CSV: `node,NAME,LASTSTATE,STATE` per job, then `link,PARENT,CHILD` per edge. */
export function renderCsv(nodes: readonly CsvNode[]): string {
  const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = sorted.map((node) => `node,${node.name},${node.lastState},${node.state}`);
  for (const node of sorted) {
    for (const parent of node.parents ?? []) lines.push(`link,${parent},${node.name}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}
