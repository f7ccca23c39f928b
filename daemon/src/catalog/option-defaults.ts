import { isJsonObject, type JsonObject } from './json-object.js';

/**
 * The options a package gets when the user gives none: every property's `default`
 * in config.json, nested as the schema nests them. As in Cosmos, a property with its
 * own `default` takes it whole; an object property without one contributes the
 * defaults of its own properties, and is left out when it has none.
 */
export function defaultsFromSchema(schema: JsonObject): JsonObject {
  return defaultsOf(schema.properties);
}

function defaultsOf(properties: unknown): JsonObject {
  const defaults: JsonObject = {};
  if (!isJsonObject(properties)) return defaults;
  for (const [name, property] of Object.entries(properties)) {
    if (!isJsonObject(property)) continue;
    if ('default' in property) {
      defaults[name] = property.default;
    } else if (isJsonObject(property.properties)) {
      const nested = defaultsOf(property.properties);
      if (Object.keys(nested).length > 0) defaults[name] = nested;
    }
  }
  return defaults;
}
