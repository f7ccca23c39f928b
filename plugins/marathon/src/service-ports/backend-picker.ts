/** One instance behind a service port: where its host port is, and who it is. */
export interface Backend {
  /** The instance (or task) id; connections and drains are counted by it. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface Pick {
  readonly backend: Backend;
  /** Where the next pick starts looking, so equally loaded backends take turns. */
  readonly nextCursor: number;
}

/**
 * Least connections, ties broken round robin: the backend with the fewest open
 * connections wins, and among equals the first one at or after `cursor` does.
 *
 * Why not plain round robin (marathon-lb's default)? Service ports here carry
 * long-lived TCP (websockets, database sessions) as often as short requests. Round
 * robin keeps sending every n-th connection to an instance that is already holding
 * many, and leaves a freshly scaled-up instance idle until old connections happen to
 * close; least connections fills it first. With short connections every count is equal
 * and the tie-break makes it round robin again, so nothing is lost for that case.
 *
 * Pure: the caller keeps the cursor and the counts.
 */
export function pickBackend(
  backends: readonly Backend[],
  activeConnections: (id: string) => number,
  cursor: number,
  exclude: ReadonlySet<string> = new Set(),
): Pick | undefined {
  let best: { backend: Backend; index: number; load: number } | undefined;
  for (let offset = 0; offset < backends.length; offset += 1) {
    const index = (cursor + offset) % backends.length;
    const backend = backends[index];
    if (backend === undefined || exclude.has(backend.id)) continue;
    const load = activeConnections(backend.id);
    if (best === undefined || load < best.load) best = { backend, index, load };
  }
  if (best === undefined) return undefined;
  return { backend: best.backend, nextCursor: (best.index + 1) % backends.length };
}
