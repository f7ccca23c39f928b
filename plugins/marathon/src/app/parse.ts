/**
 * Reads an app definition as POST /v2/apps receives it and answers what Marathon would:
 * the canonical app, or Marathon's 422 body. The stages are Marathon's (AppsResource and
 * AppHelpers.appNormalization), and like Marathon it answers with the first stage that
 * fails, naming every bad field of that stage:
 *
 * 1. the body against the RAML types → "Invalid JSON" with play-json codes;
 * 2. the deprecated fields, and translating them → "Object is not valid";
 * 3. every other rule, on the translated app → "Object is not valid";
 * 4. the defaults Marathon applies after validation.
 */
import { INVALID_JSON, InvalidAppDefinitionError, OBJECT_NOT_VALID, Violations } from './errors.js';
import { readJson } from './json-reads.js';
import { finalizeApp, migrateApp } from './normalize.js';
import { type ParseAppOptions, resolveParseOptions } from './options.js';
import { type AppDefinition, AppDefinitionInput } from './schema.js';
import { validateApp, validateDeprecatedApi } from './validate.js';

export type ParseAppResult =
  | {
      readonly ok: true;
      readonly app: AppDefinition;
      /**
       * Fields the definition carries that Marathon ignores (or that mesolite does not
       * support and Marathon would use, such as `ipAddress` or `tty`), as paths. They are
       * ignored, as by Marathon; a CLI may want to mention them.
       */
      readonly ignoredFields: readonly string[];
    }
  | { readonly ok: false; readonly error: InvalidAppDefinitionError };

/**
 * Reads, validates and normalizes an app definition posted to Marathon's API, in either
 * of Marathon's forms (before 1.5 or after).
 *
 * @example
 * const result = parseAppDefinition({ id: 'toggle', cmd: 'python toggle.py $PORT0' });
 * if (result.ok) result.app.portDefinitions; // [{ port: 0, name: 'default', ... }]
 * else reply.code(422).send(result.error.body);
 */
export function parseAppDefinition(json: unknown, options: ParseAppOptions = {}): ParseAppResult {
  const read = readJson(AppDefinitionInput, json);
  if (!read.ok) {
    const body = { message: INVALID_JSON, details: read.errors } as const;
    return { ok: false, error: new InvalidAppDefinitionError(body) };
  }
  const input = read.value;
  const resolved = resolveParseOptions(input.id, options);

  const deprecated = new Violations();
  validateDeprecatedApi(input, deprecated);
  if (!deprecated.isEmpty) return refuse(deprecated);

  const migrated = migrateApp(input, resolved);
  if (!migrated.ok) return refuse(migrated.violations);

  const violations = new Violations();
  validateApp(input, migrated.app, resolved, violations);
  if (!violations.isEmpty) return refuse(violations);

  return {
    ok: true,
    app: finalizeApp(migrated.app, resolved),
    ignoredFields: read.ignoredFields,
  };
}

function refuse(violations: Violations): ParseAppResult {
  const body = { message: OBJECT_NOT_VALID, details: violations.details() } as const;
  return { ok: false, error: new InvalidAppDefinitionError(body) };
}
