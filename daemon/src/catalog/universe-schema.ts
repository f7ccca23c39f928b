/**
 * Universe's repository format, as Cosmos reads it: a repository index is
 * `{"packages": [...]}`, each entry a package.json with its releaseVersion, the
 * Marathon template (base64), config (a JSON Schema) and resource. packagingVersion
 * 2.0, 3.0 and 4.0 share one shape here; the fields each version adds are optional.
 */
import { type Static, Type } from 'typebox';

const Json = Type.Unknown();
const JsonObject = Type.Record(Type.String(), Json);

export const License = Type.Object({ name: Type.String(), url: Type.String() });

export const Images = Type.Object({
  'icon-small': Type.Optional(Type.String()),
  'icon-medium': Type.Optional(Type.String()),
  'icon-large': Type.Optional(Type.String()),
  screenshots: Type.Optional(Type.Array(Type.String())),
});

export const Resource = Type.Object(
  {
    assets: Type.Optional(
      Type.Object({
        uris: Type.Optional(Type.Record(Type.String(), Type.String())),
        container: Type.Optional(
          Type.Object({ docker: Type.Optional(Type.Record(Type.String(), Type.String())) }),
        ),
      }),
    ),
    images: Type.Optional(Images),
    cli: Type.Optional(JsonObject),
  },
  { additionalProperties: true },
);

export const PackagingVersion = Type.Union([
  Type.Literal('2.0'),
  Type.Literal('3.0'),
  Type.Literal('4.0'),
]);

export const PackageDefinition = Type.Object({
  packagingVersion: PackagingVersion,
  name: Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9]+)*$' }),
  version: Type.String({ minLength: 1 }),
  releaseVersion: Type.Integer({ minimum: 0 }),
  maintainer: Type.String(),
  description: Type.String(),
  tags: Type.Optional(Type.Array(Type.String({ pattern: '^[^\\s]+$' }))),
  selected: Type.Optional(Type.Boolean()),
  scm: Type.Optional(Type.String()),
  website: Type.Optional(Type.String()),
  framework: Type.Optional(Type.Boolean()),
  preInstallNotes: Type.Optional(Type.String()),
  postInstallNotes: Type.Optional(Type.String()),
  postUninstallNotes: Type.Optional(Type.String()),
  licenses: Type.Optional(Type.Array(License)),
  minDcosReleaseVersion: Type.Optional(Type.String()),
  marathon: Type.Optional(Type.Object({ v2AppMustacheTemplate: Type.String() })),
  resource: Type.Optional(Resource),
  config: Type.Optional(JsonObject),
  command: Type.Optional(JsonObject),
  lastUpdated: Type.Optional(Type.Integer()),
  hasKnownIssues: Type.Optional(Type.Boolean()),
  upgradesFrom: Type.Optional(Type.Array(Type.String())),
  downgradesTo: Type.Optional(Type.Array(Type.String())),
});
export type PackageDefinition = Static<typeof PackageDefinition>;

export const RepositoryIndex = Type.Object({ packages: Type.Array(PackageDefinition) });
export type RepositoryIndex = Static<typeof RepositoryIndex>;

/** The field order of Cosmos's responses that carry a package, whatever its version. */
export const PACKAGE_FIELD_ORDER = [
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
  'upgradesFrom',
  'downgradesTo',
] as const;

/** The response order without the fields a packaging or response version does not have. */
export function fieldsWithout(...absent: string[]): readonly string[] {
  return PACKAGE_FIELD_ORDER.filter((field) => !absent.includes(field));
}

/**
 * The fields of Cosmos's package case classes (V2Package, V3Package, V4Package), in
 * their order, which its encoders keep: what DCOS_PACKAGE_DEFINITION holds.
 */
export const CASE_CLASS_FIELDS: Record<'2.0' | '3.0' | '4.0', readonly string[]> = {
  '2.0': [
    'packagingVersion',
    'name',
    'version',
    'releaseVersion',
    'maintainer',
    'description',
    'marathon',
    'tags',
    'selected',
    'scm',
    'website',
    'framework',
    'preInstallNotes',
    'postInstallNotes',
    'postUninstallNotes',
    'licenses',
    'resource',
    'config',
    'command',
  ],
  // 3.0 and 4.0 keep the response order; 3.0 has no up/downgrades, 4.0 no command.
  '3.0': fieldsWithout('upgradesFrom', 'downgradesTo'),
  '4.0': fieldsWithout('command'),
};
