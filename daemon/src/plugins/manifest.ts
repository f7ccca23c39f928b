/** The `mesolite` manifest in a plugin's package.json, and its checks. */
import { type Static, Type } from 'typebox';
import { defineError } from '../errors.js';
import { validator } from '../protocol/validate.js';
import { PLUGIN_API_VERSION } from './plugin-api.js';
import { isArtifactName } from './plugin-artifacts.js';

export const PluginManifest = Type.Object({
  name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
  displayName: Type.String({ minLength: 1 }),
  /** The plugin API version the plugin was written for, e.g. "1" or "1.0.0". */
  apiVersion: Type.String({ pattern: '^\\d+(\\.\\d+){0,2}$' }),
  /** The module exporting activate(), relative to the package. */
  entry: Type.String({ minLength: 1 }),
  /** A browser module the UI loads to show the plugin's pages. */
  ui: Type.Optional(Type.String({ minLength: 1 })),
  /** A module exporting `cliCommands()`, whose commands join the `mesolite` command line. */
  cli: Type.Optional(Type.String({ minLength: 1 })),
  description: Type.Optional(Type.String()),
  /**
   * Files its tasks need on an agent, by name (the file name in the sandbox), each a
   * path relative to the package; the master serves them (context.artifacts).
   */
  artifacts: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1 }))),
  config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type PluginManifest = Static<typeof PluginManifest>;

export const InvalidManifestError = defineError(
  'MESOLITE_ERR_PLUGIN_MANIFEST',
  400,
  (where: string, problem: string) =>
    `The plugin at ${where} has no valid "mesolite" manifest: ${problem}`,
);

export const PluginApiVersionError = defineError(
  'MESOLITE_ERR_PLUGIN_API_VERSION',
  400,
  (name: string, wanted: string) =>
    `Plugin ${name} was written for plugin API ${wanted}, but this mesolite provides ${PLUGIN_API_VERSION}; ` +
    `install a version of ${name} built for API ${PLUGIN_API_VERSION.split('.')[0]}.x`,
);

const manifestValidator = validator(PluginManifest, 'the mesolite manifest');

/** Checks a package.json's manifest; throws a coded error a user can act on. */
export function parseManifest(packageJson: unknown, where: string): PluginManifest {
  const manifest = (packageJson as { mesolite?: unknown } | undefined)?.mesolite;
  if (manifest === undefined)
    throw new InvalidManifestError(where, 'package.json has no "mesolite" field');
  let parsed: PluginManifest;
  try {
    parsed = manifestValidator.parse(manifest);
  } catch (err) {
    throw new InvalidManifestError(where, (err as Error).message);
  }
  const badArtifact = Object.keys(parsed.artifacts ?? {}).find((name) => !isArtifactName(name));
  if (badArtifact !== undefined) {
    throw new InvalidManifestError(
      where,
      `artifact name "${badArtifact}" is not a file name (letters, digits, '.', '_', '-')`,
    );
  }
  const major = parsed.apiVersion.split('.')[0];
  if (major !== PLUGIN_API_VERSION.split('.')[0]) {
    throw new PluginApiVersionError(parsed.name, parsed.apiVersion);
  }
  return parsed;
}
