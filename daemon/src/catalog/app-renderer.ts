/**
 * A package's Marathon app, rendered as Cosmos renders it
 * (PackageDefinitionRenderer.renderMarathonV2App): config.json's defaults deep-merged
 * with the user's options, the result validated against config.json, `resource` added,
 * the template rendered, the template's own labels kept (they must be strings), the
 * package labels set over them, and `appId` overriding the id.
 */
import { deepMerge } from './deep-merge.js';
import { jsonDecodingError, optionsNotAllowed } from './errors.js';
import { isJsonObject, type JsonObject } from './json-object.js';
import { defaultsFromSchema } from './option-defaults.js';
import { validateOptions } from './option-validation.js';
import { LABELS } from './package-labels.js';
import { encodeForLabel, encodePackageDefinition } from './storage-envelope.js';
import { renderTemplate } from './template-renderer.js';
import type { PackageDefinition } from './universe-schema.js';

export interface RenderInput {
  pkg: PackageDefinition;
  /** The repository URI the package came from (DCOS_PACKAGE_SOURCE). */
  sourceUri: string;
  options?: JsonObject | undefined;
  appId?: string | undefined;
}

/** Defaults and user options merged, then checked: what the template sees (without `resource`). */
export function resolveOptions(
  pkg: PackageDefinition,
  options: JsonObject | undefined,
): JsonObject {
  const defaults = pkg.config ? defaultsFromSchema(pkg.config) : {};
  const merged = deepMerge(defaults, options ?? {});
  const hasOptions = Object.keys(merged).length > 0;
  if (hasOptions && !pkg.config) throw optionsNotAllowed();
  if (hasOptions && pkg.config) validateOptions(pkg.config, merged);
  return merged;
}

export function templateOf(pkg: PackageDefinition): string | undefined {
  const encoded = pkg.marathon?.v2AppMustacheTemplate;
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** The Marathon app, or undefined for a package without a Marathon template. */
export function renderMarathonApp(input: RenderInput): JsonObject | undefined {
  const template = templateOf(input.pkg);
  if (template === undefined) return undefined;
  const options = resolveOptions(input.pkg, input.options);
  const context = input.pkg.resource
    ? deepMerge(options, { resource: input.pkg.resource as JsonObject })
    : options;
  const app = renderTemplate(template, context);
  const existing = stringLabels(app);
  const labels = {
    ...existing,
    [LABELS.name]: input.pkg.name,
    [LABELS.version]: input.pkg.version,
    [LABELS.source]: input.sourceUri,
    [LABELS.options]: encodeForLabel(input.options ?? {}),
    [LABELS.definition]: encodePackageDefinition(input.pkg),
  };
  return { ...app, ...(input.appId !== undefined ? { id: input.appId } : {}), labels };
}

function stringLabels(app: JsonObject): Record<string, string> {
  if (app.labels === undefined) return {};
  const labels = app.labels;
  if (!isJsonObject(labels) || Object.values(labels).some((value) => typeof value !== 'string')) {
    throw jsonDecodingError(
      'scala.collection.immutable.Map',
      'labels must be an object whose values are all strings',
      JSON.stringify(app),
    );
  }
  return labels as Record<string, string>;
}
