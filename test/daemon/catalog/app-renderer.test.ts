/** A package's Marathon app, as Cosmos's renderMarathonV2App builds it. */
import { gunzipSync } from 'node:zlib';
import { renderMarathonApp, resolveOptions } from '@mesolite/daemon/catalog/app-renderer';
import { dataLeftBehind } from '@mesolite/daemon/catalog/package-manager';
import type { PackageDefinition } from '@mesolite/daemon/catalog/universe-schema';
import { describe, expect, it } from 'vitest';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: unknown) => JSON.parse(Buffer.from(String(text), 'base64').toString('utf8'));

function pkg(template: string, extra: Partial<PackageDefinition> = {}): PackageDefinition {
  return {
    packagingVersion: '3.0',
    name: 'test',
    version: '1.2.3',
    releaseVersion: 0,
    maintainer: 'maintainer',
    description: 'description',
    marathon: { v2AppMustacheTemplate: b64(template) },
    ...extra,
  };
}

const SCHEMA = {
  type: 'object',
  properties: {
    opt: {
      type: 'object',
      properties: {
        id: { type: 'string', default: 'default-id' },
        name: { type: 'string', default: 'n' },
      },
    },
  },
};

describe('rendering a package into a Marathon app', () => {
  it('follows Cosmos’s priority: defaults, user options, resource, template labels, package labels, appId', () => {
    const template =
      '{"id": "{{opt.id}}", "uri": "{{resource.assets.uris.blob}}", "labels": {"DCOS_PACKAGE_NAME": "{{opt.name}}", "mine": "kept"}}';
    const options = {
      opt: { id: 'should-be-overridden-id', name: 'testing-name' },
      resource: { assets: { uris: { blob: 'should-be-overridden-blob' } } },
    };
    const app = renderMarathonApp({
      pkg: pkg(template, {
        config: { ...SCHEMA, properties: { ...SCHEMA.properties, resource: { type: 'object' } } },
        resource: { assets: { uris: { blob: 'http://someplace/blob' } } },
      }),
      sourceUri: 'http://someplace',
      options,
      appId: '/override',
    });
    expect(app?.id).toBe('/override');
    expect(app?.uri).toBe('http://someplace/blob');
    const labels = app?.labels as Record<string, string>;
    expect(labels.mine).toBe('kept');
    expect(labels.DCOS_PACKAGE_NAME).toBe('test');
    expect(labels.DCOS_PACKAGE_VERSION).toBe('1.2.3');
    expect(labels.DCOS_PACKAGE_SOURCE).toBe('http://someplace');
    expect(unb64(labels.DCOS_PACKAGE_OPTIONS)).toEqual(options);
  });

  it('takes defaults from config.json where the user gave no option', () => {
    const app = renderMarathonApp({
      pkg: pkg('{"id": "{{opt.id}}"}', { config: SCHEMA }),
      sourceUri: 'u',
    });
    expect(app?.id).toBe('default-id');
  });

  it('labels the user’s options only, not the defaults merged into them', () => {
    const app = renderMarathonApp({
      pkg: pkg('{"id": "{{opt.id}}"}', { config: SCHEMA }),
      sourceUri: 'u',
    });
    expect(
      unb64((app?.labels as Record<string, string> | undefined)?.DCOS_PACKAGE_OPTIONS),
    ).toEqual({});
  });

  it('writes DCOS_PACKAGE_DEFINITION as Cosmos’s StorageEnvelope of the gzipped package', () => {
    const definition = pkg('{"id": "x"}');
    const app = renderMarathonApp({ pkg: definition, sourceUri: 'u' });
    const envelope = unb64(
      (app?.labels as Record<string, string> | undefined)?.DCOS_PACKAGE_DEFINITION,
    );
    expect(envelope.metadata).toEqual({
      'Content-Type': 'application/vnd.dcos.universe.package+json;charset=utf-8;version=v3',
      'Content-Encoding': 'gzip',
    });
    const inner = JSON.parse(gunzipSync(Buffer.from(envelope.data, 'base64')).toString('utf8'));
    expect(Object.fromEntries(Object.entries(inner).filter(([, v]) => v !== null))).toEqual({
      ...definition,
      tags: [],
    });
  });

  it('lists every field of the package’s case class in the definition, in order, absent ones as null', () => {
    const app = renderMarathonApp({ pkg: pkg('{"id": "x"}'), sourceUri: 'u' });
    const envelope = unb64(
      (app?.labels as Record<string, string> | undefined)?.DCOS_PACKAGE_DEFINITION,
    );
    const inner = JSON.parse(gunzipSync(Buffer.from(envelope.data, 'base64')).toString('utf8'));
    expect(Object.keys(inner)).toEqual([
      'packagingVersion',
      'name',
      'version',
      'releaseVersion',
      'maintainer',
      'description',
      'tags',
      'selected',
      'scm',
      'website',
      'framework',
      'preInstallNotes',
      'postInstallNotes',
      'postUninstallNotes',
      'licenses',
      'minDcosReleaseVersion',
      'marathon',
      'resource',
      'config',
      'command',
      'lastUpdated',
      'hasKnownIssues',
    ]);
    expect(inner.selected).toBeNull();
  });

  it('keeps template labels that are strings, and refuses labels that are not', () => {
    expect(() =>
      renderMarathonApp({ pkg: pkg('{"labels": {"idx": 0, "string": "value"}}'), sourceUri: 'u' }),
    ).toThrow(expect.objectContaining({ type: 'JsonDecodingError' }));
  });

  it('adds an empty label set when the template has none', () => {
    const app = renderMarathonApp({ pkg: pkg('{"env": {"some": "thing"}}'), sourceUri: 'u' });
    expect(app?.env).toEqual({ some: 'thing' });
    expect(Object.keys(app?.labels as object)).toHaveLength(5);
  });

  it('refuses options for a package without config.json (OptionsNotAllowed)', () => {
    expect(() =>
      renderMarathonApp({
        pkg: pkg('{"id": "x"}'),
        sourceUri: 'u',
        options: { option: { id: 'x' } },
      }),
    ).toThrow(expect.objectContaining({ type: 'OptionsNotAllowed' }));
  });

  it('renders nothing for a package without a Marathon template', () => {
    const { marathon: _, ...noTemplate } = pkg('');
    expect(renderMarathonApp({ pkg: noTemplate, sourceUri: 'u' })).toBeUndefined();
  });

  it('refuses options that do not match config.json, changing nothing (JsonSchemaMismatch)', () => {
    expect(() => resolveOptions(pkg('{}', { config: SCHEMA }), { opt: { id: 5 } })).toThrow(
      expect.objectContaining({ type: 'JsonSchemaMismatch' }),
    );
  });
});

describe('what an uninstall leaves behind', () => {
  it('names host paths and persistent volumes, and nothing for an app without them', () => {
    expect(dataLeftBehind({ id: '/x' })).toBeUndefined();
    expect(
      dataLeftBehind({
        id: '/registry',
        container: {
          volumes: [
            { hostPath: '/var/lib/registry', containerPath: '/storage', mode: 'RW' },
            { containerPath: 'data', persistent: { size: 100 }, mode: 'RW' },
          ],
        },
      }),
    ).toBe(
      'Data left behind on the agents: host path /var/lib/registry (was /storage), persistent volume data.',
    );
  });
});
