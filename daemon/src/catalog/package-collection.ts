/**
 * The packages of all repositories seen as one collection, by Cosmos's rules
 * (PackageCollection): a package version (name + version) comes from the first
 * repository that has it; packages are ordered by name, then repository, then
 * highest releaseVersion first, so "the package" is the newest release of the first
 * repository that has it. Repositories that could not be read are left out, and
 * reported beside the result instead of failing it.
 */
import { packageNotFound, versionNotFound } from './errors.js';
import type { PackageDefinition } from './universe-schema.js';

export interface Repository {
  name: string;
  uri: string;
}

export type LoadedRepository =
  | { repository: Repository; packages: readonly PackageDefinition[] }
  | { repository: Repository; error: Error };

export interface SourcedPackage {
  pkg: PackageDefinition;
  source: Repository;
}

export interface SearchResult {
  name: string;
  currentVersion: string;
  versions: Record<string, number>;
  description: string;
  framework: boolean;
  tags: string[];
  selected?: boolean;
  images?: Record<string, unknown>;
}

export function mergeRepositories(loaded: readonly LoadedRepository[]): SourcedPackage[] {
  const best = new Map<string, { item: SourcedPackage; index: number }>();
  loaded.forEach((repo, index) => {
    if (!('packages' in repo)) return;
    for (const pkg of repo.packages) {
      const key = JSON.stringify([pkg.name, pkg.version]);
      const seen = best.get(key);
      if (
        !seen ||
        index < seen.index ||
        (index === seen.index && pkg.releaseVersion > seen.item.pkg.releaseVersion)
      ) {
        best.set(key, { item: { pkg, source: repo.repository }, index });
      }
    }
  });
  return [...best.values()]
    .sort(
      (a, b) =>
        compareText(a.item.pkg.name, b.item.pkg.name) ||
        a.index - b.index ||
        b.item.pkg.releaseVersion - a.item.pkg.releaseVersion,
    )
    .map(({ item }) => item);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function packagesNamed(all: readonly SourcedPackage[], name: string): SourcedPackage[] {
  const found = all.filter(({ pkg }) => pkg.name === name);
  if (found.length === 0) throw packageNotFound(name);
  return found;
}

/** The package to describe, render or install: the given version, or the newest of the first repository. */
export function selectPackage(
  all: readonly SourcedPackage[],
  name: string,
  version?: string | undefined,
): SourcedPackage {
  const named = all.filter(({ pkg }) => pkg.name === name);
  const chosen =
    version === undefined ? named[0] : named.find(({ pkg }) => pkg.version === version);
  if (chosen) return chosen;
  if (version !== undefined && named.length > 0) throw versionNotFound(name, version);
  throw packageNotFound(name);
}

/** version -> releaseVersion, oldest release first. */
export function listVersions(all: readonly SourcedPackage[], name: string): Record<string, number> {
  const named = packagesNamed(all, name);
  const results: Record<string, number> = {};
  for (const { pkg } of [...named].sort((a, b) => a.pkg.releaseVersion - b.pkg.releaseVersion)) {
    results[pkg.version] = pkg.releaseVersion;
  }
  return results;
}

function matcher(query: string | undefined): (result: SearchResult) => boolean {
  if (query === undefined || query === '') return () => true;
  const fields = (result: SearchResult) => [result.name, result.description, ...result.tags];
  if (query.includes('*')) {
    const pattern = query
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    const regex = new RegExp(`^${pattern}$`);
    return (result) => fields(result).some((field) => regex.test(field));
  }
  const lower = query.toLowerCase();
  return (result) => fields(result).some((field) => field.toLowerCase().includes(lower));
}

/** Cosmos's search: substring (case-insensitive) or `*` wildcards over name, description and tags. */
export function search(all: readonly SourcedPackage[], query: string | undefined): SearchResult[] {
  const byName = new Map<string, SearchResult>();
  for (const { pkg } of all) {
    let result = byName.get(pkg.name);
    if (!result) {
      result = {
        name: pkg.name,
        currentVersion: pkg.version,
        versions: {},
        description: pkg.description,
        framework: pkg.framework ?? false,
        tags: pkg.tags ?? [],
        ...(pkg.selected !== undefined ? { selected: pkg.selected } : {}),
        ...(pkg.resource?.images !== undefined ? { images: pkg.resource.images } : {}),
      };
      byName.set(pkg.name, result);
    }
    result.versions[pkg.version] = Math.max(result.versions[pkg.version] ?? 0, pkg.releaseVersion);
  }
  return [...byName.values()]
    .filter(matcher(query))
    .sort((a, b) => Number(!a.selected) - Number(!b.selected) || compareText(a.name, b.name));
}
