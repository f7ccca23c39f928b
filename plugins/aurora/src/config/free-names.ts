/**
 * The names a module reads and never binds anywhere (by assignment, def, class, import,
 * a for loop, a comprehension or a parameter): what an unbound-name error lists, so that
 * a user can define or `--bind` them all at once instead of one run at a time.
 */
import type { Expr, Stmt } from './ast.js';

export function freeNames(body: readonly Stmt[]): string[] {
  const stored = new Set<string>();
  const loaded = new Set<string>();
  const collectTargets = (e: Expr): void => {
    if (e.kind === 'name') stored.add(e.id);
    else if (e.kind === 'tuple' || e.kind === 'list')
      for (const item of e.items) collectTargets(item);
    else if (e.kind === 'starred') collectTargets(e.value);
  };
  // A generic walk: every node is a plain record, and the kinds below are the only binders.
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown> & { kind?: string };
    if (n.kind === 'name' && typeof n.id === 'string') loaded.add(n.id);
    if ((n.kind === 'def' || n.kind === 'class') && typeof n.name === 'string') stored.add(n.name);
    if (
      (n.kind === 'plain' || n.kind === 'star' || n.kind === 'starstar') &&
      typeof n.name === 'string'
    ) {
      stored.add(n.name);
    }
    if (n.kind === 'import') {
      for (const m of n.modules as { name: string; alias: string | null }[]) {
        stored.add(m.alias ?? (m.name.split('.')[0] as string));
      }
    }
    if (n.kind === 'from' && Array.isArray(n.names)) {
      for (const m of n.names as { name: string; alias: string | null }[])
        stored.add(m.alias ?? m.name);
    }
    if (n.kind === 'assign') for (const t of n.targets as Expr[]) collectTargets(t);
    if (n.kind === 'for') collectTargets(n.target as Expr);
    if (Array.isArray(n.clauses))
      for (const c of n.clauses as { target: Expr }[]) collectTargets(c.target);
    for (const value of Object.values(n))
      if (value !== null && typeof value === 'object') visit(value);
  };
  visit(body);
  return [...loaded].filter((n) => !stored.has(n));
}
