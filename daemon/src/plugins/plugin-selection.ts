/**
 * Which discovered plugins a daemon starts. `--plugins` chooses among the built-in
 * ones; a plugin an operator installed in the work dir always starts (unless disabled),
 * and an installed plugin replaces the built-in one of the same name, since that is
 * what `mesolite plugin upgrade` of a built-in plugin leaves behind.
 */
import type { DiscoveredPlugin } from './discovery.js';

export function selectPlugins(
  discovered: readonly DiscoveredPlugin[],
  builtInsWanted: readonly string[] | undefined,
): DiscoveredPlugin[] {
  const installed = new Set(
    discovered.filter((plugin) => !plugin.builtIn).map((plugin) => plugin.manifest.name),
  );
  return discovered.filter((plugin) => {
    const name = plugin.manifest.name;
    if (!plugin.builtIn) return true;
    return !installed.has(name) && (builtInsWanted?.includes(name) ?? true);
  });
}
