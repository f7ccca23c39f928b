/** The repository that ships with mesolite, read from daemon/catalog in Universe's source layout. */
import { renderMarathonApp } from '@mesolite/daemon/catalog/app-renderer';
import { BUILTIN_DIR, BUILTIN_REPOSITORY } from '@mesolite/daemon/catalog/builtin-repository';
import { readSourceLayout } from '@mesolite/daemon/catalog/source-layout-reader';
import { describe, expect, it } from 'vitest';

describe('the built-in repository', () => {
  it('holds the Zombies Tracker, the talk’s examples and plain-process services, each with an icon', async () => {
    const { packages } = await readSourceLayout(BUILTIN_DIR);
    expect(packages.map((pkg) => pkg.name).sort()).toEqual([
      'docker-registry',
      'simple-docker',
      'static-files',
      'toggle',
      'zombies-tracker',
    ]);
    for (const pkg of packages) {
      expect(pkg.resource?.images?.['icon-small'], pkg.name).toMatch(
        /^data:image\/svg\+xml;base64,/,
      );
    }
  });

  it('renders every package with its defaults into a Marathon app with an id', async () => {
    const { packages } = await readSourceLayout(BUILTIN_DIR);
    for (const pkg of packages) {
      const app = renderMarathonApp({ pkg, sourceUri: BUILTIN_REPOSITORY.uri });
      expect(typeof app?.id, pkg.name).toBe('string');
    }
  });

  it('points the Zombies Tracker at where its package is installed', async () => {
    const { packages } = await readSourceLayout(BUILTIN_DIR);
    const zombies = packages.find((pkg) => pkg.name === 'zombies-tracker');
    const app = zombies && renderMarathonApp({ pkg: zombies, sourceUri: BUILTIN_REPOSITORY.uri });
    expect((app?.env as Record<string, string> | undefined)?.ZOMBIES_HOME).toMatch(
      /zombies-tracker$/,
    );
    expect(app).toMatchObject({
      id: 'zombies-tracker',
      instances: 3,
      portDefinitions: [{ port: 10100 }],
    });
  });
});
