import { PathId, tryParsePathId } from '../path-id.js';
import { DependencyCycleError } from './errors.js';
import type { DeployableApp, RootState } from './model.js';

/** App id → ids of the apps it depends on, directly. */
export type DependencyGraph = ReadonlyMap<string, ReadonlySet<string>>;

function parentOf(id: string): PathId {
  const parsed = tryParsePathId(id);
  return parsed.ok ? parsed.id.parent() : PathId.root;
}

/**
 * The apps a dependency id names: the app with that id, or else every app anywhere under
 * the group with that id. A dependency on nothing names no app, as in Marathon.
 */
function appsNamedBy(
  rawDependency: string,
  base: PathId,
  apps: ReadonlyMap<string, DeployableApp>,
): string[] {
  const parsed = tryParsePathId(rawDependency, { base, allowRoot: true });
  // Validating ids is the app schema's job; an id it let through that still cannot be
  // read names no app here rather than failing a plan.
  if (!parsed.ok) {
    return [];
  }
  const target = parsed.id;
  const key = target.toString();
  if (apps.has(key)) {
    return [key];
  }
  const named: string[] = [];
  for (const id of apps.keys()) {
    const appId = tryParsePathId(id);
    if (appId.ok && appId.id.isDescendantOf(target)) {
      named.push(id);
    }
  }
  return named;
}

/**
 * The app-to-app dependency graph of a root state, as Marathon's RootGroup builds it:
 * an app depends on each app its dependencies name, and on every app named by the
 * dependencies of any group it sits in. Marathon only follows a group's dependencies
 * when they name groups; here they may also name single apps.
 */
export function dependencyGraph(state: RootState): DependencyGraph {
  const graph = new Map<string, Set<string>>();
  for (const app of state.apps.values()) {
    const edges = new Set<string>();
    const parent = parentOf(app.id);
    for (const dependency of app.dependencies) {
      for (const named of appsNamedBy(dependency, parent, state.apps)) {
        edges.add(named);
      }
    }
    graph.set(app.id, edges);
  }

  for (const [groupId, dependencies] of state.groupDependencies ?? []) {
    const group = tryParsePathId(groupId, { allowRoot: true });
    if (!group.ok) {
      continue;
    }
    const members = [...state.apps.keys()].filter((id) => {
      const appId = tryParsePathId(id);
      return appId.ok && appId.id.isDescendantOf(group.id);
    });
    for (const dependency of dependencies) {
      // A group's relative dependencies are read against the group itself: the docs'
      // "../database" on /product/service names /product/database.
      for (const named of appsNamedBy(dependency, group.id, state.apps)) {
        for (const member of members) {
          graph.get(member)?.add(named);
        }
      }
    }
  }
  return graph;
}

/**
 * Finds a circle in the graph, or undefined. The circle is returned as the ids along it
 * with the first repeated at the end; ids are visited in sorted order so that the same
 * graph always reports the same circle.
 */
export function findCycle(graph: DependencyGraph): string[] | undefined {
  const done = new Set<string>();
  const onPath = new Set<string>();
  const path: string[] = [];

  const visit = (id: string): string[] | undefined => {
    if (onPath.has(id)) {
      return [...path.slice(path.indexOf(id)), id];
    }
    if (done.has(id)) {
      return undefined;
    }
    onPath.add(id);
    path.push(id);
    for (const next of [...(graph.get(id) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle !== undefined) {
        return cycle;
      }
    }
    path.pop();
    onPath.delete(id);
    done.add(id);
    return undefined;
  };

  for (const id of [...graph.keys()].sort()) {
    const cycle = visit(id);
    if (cycle !== undefined) {
      return cycle;
    }
  }
  return undefined;
}

/** @throws {DependencyCycleError} when the graph has a circle. */
export function assertAcyclic(graph: DependencyGraph): void {
  const cycle = findCycle(graph);
  if (cycle !== undefined) {
    throw new DependencyCycleError(cycle);
  }
}

/**
 * The number of apps on the longest chain of dependencies that starts at each app,
 * itself included: 1 for an app that depends on nothing. Marathon deploys apps layer by
 * layer in increasing order of this length, so every app comes after all it depends on,
 * and apps of equal length go in the same step. The graph must be acyclic.
 */
export function longestChains(graph: DependencyGraph): Map<string, number> {
  const lengths = new Map<string, number>();
  const lengthOf = (id: string): number => {
    const known = lengths.get(id);
    if (known !== undefined) {
      return known;
    }
    let longest = 0;
    for (const next of graph.get(id) ?? []) {
      longest = Math.max(longest, lengthOf(next));
    }
    lengths.set(id, longest + 1);
    return longest + 1;
  };
  for (const id of graph.keys()) {
    lengthOf(id);
  }
  return lengths;
}

/** The same graph with every edge turned round: app id → ids of the apps depending on it. */
export function reversed(graph: DependencyGraph): DependencyGraph {
  const result = new Map<string, Set<string>>();
  for (const id of graph.keys()) {
    result.set(id, new Set());
  }
  for (const [id, dependencies] of graph) {
    for (const dependency of dependencies) {
      result.get(dependency)?.add(id);
    }
  }
  return result;
}
