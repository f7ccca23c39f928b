/** Many repositories seen as one collection, by Cosmos's PackageCollection rules. */
import {
  type LoadedRepository,
  listVersions,
  mergeRepositories,
  search,
  selectPackage,
} from '@mesolite/daemon/catalog/package-collection';
import type { PackageDefinition } from '@mesolite/daemon/catalog/universe-schema';
import { describe, expect, it } from 'vitest';

function pkg(
  name: string,
  version: string,
  releaseVersion: number,
  extra: Partial<PackageDefinition> = {},
): PackageDefinition {
  return {
    packagingVersion: '4.0',
    name,
    version,
    releaseVersion,
    maintainer: 'm',
    description: `${name} service`,
    ...extra,
  };
}

const first = { name: 'first', uri: 'http://first/repo' };
const second = { name: 'second', uri: 'http://second/repo' };
const broken = { name: 'broken', uri: 'http://broken/repo' };

const loaded: LoadedRepository[] = [
  { repository: broken, error: new Error('connection refused') },
  {
    repository: first,
    packages: [pkg('web', '1.0', 0), pkg('web', '1.1', 1), pkg('db', '5', 0, { tags: ['sql'] })],
  },
  {
    repository: second,
    packages: [
      pkg('web', '2.0', 7),
      pkg('web', '1.0', 9),
      pkg('cache', '1', 0, { selected: true }),
    ],
  },
];

describe('the package collection', () => {
  it('installs the highest releaseVersion of the first repository that has the package', () => {
    const chosen = selectPackage(mergeRepositories(loaded), 'web');
    expect(chosen.pkg.version).toBe('1.1');
    expect(chosen.source).toEqual(first);
  });

  it('takes a name and version from the first repository that has it', () => {
    const chosen = selectPackage(mergeRepositories(loaded), 'web', '1.0');
    expect(chosen.pkg.releaseVersion).toBe(0);
    expect(chosen.source).toEqual(first);
  });

  it('finds a version only another repository has', () => {
    expect(selectPackage(mergeRepositories(loaded), 'web', '2.0').source).toEqual(second);
  });

  it('answers PackageNotFound for an unknown name and VersionNotFound for an unknown version', () => {
    const all = mergeRepositories(loaded);
    expect(() => selectPackage(all, 'nope')).toThrow(
      expect.objectContaining({ type: 'PackageNotFound', message: 'Package [nope] not found' }),
    );
    expect(() => selectPackage(all, 'web', '9')).toThrow(
      expect.objectContaining({
        type: 'VersionNotFound',
        message: 'Version [9] of package [web] not found',
      }),
    );
  });

  it('ignores a repository that could not be read', () => {
    expect(mergeRepositories(loaded).map(({ pkg }) => pkg.name)).not.toContain(undefined);
    expect(mergeRepositories([loaded[0] as LoadedRepository])).toEqual([]);
  });

  it('lists the versions of a package oldest release first', () => {
    expect(Object.entries(listVersions(mergeRepositories(loaded), 'web'))).toEqual([
      ['1.0', 0],
      ['1.1', 1],
      ['2.0', 7],
    ]);
  });

  it('searches name, description and tags, case-insensitively, selected packages first', () => {
    const all = mergeRepositories(loaded);
    expect(search(all, undefined).map((result) => result.name)).toEqual(['cache', 'db', 'web']);
    expect(search(all, 'SQL').map((result) => result.name)).toEqual(['db']);
    expect(search(all, 'web').map((result) => result.name)).toEqual(['web']);
  });

  it('searches with * as a wildcard over the whole field', () => {
    const all = mergeRepositories(loaded);
    expect(search(all, 'w*').map((result) => result.name)).toEqual(['web']);
    expect(search(all, 'e*').map((result) => result.name)).toEqual([]);
    expect(search(all, '*service').map((result) => result.name)).toEqual(['cache', 'db', 'web']);
  });

  it('gives each search result its current version and every version with its releaseVersion', () => {
    const [web] = search(mergeRepositories(loaded), 'web');
    expect(web).toMatchObject({ name: 'web', currentVersion: '1.1', framework: false, tags: [] });
    expect(web?.versions).toEqual({ '1.1': 1, '1.0': 0, '2.0': 7 });
  });
});
