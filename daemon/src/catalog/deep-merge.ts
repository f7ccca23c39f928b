import { isJsonObject, type JsonObject } from './json-object.js';

/**
 * Merges `fragment` over `target` as circe's deepMerge does (Cosmos's JsonUtil.merge):
 * where both hold objects they merge recursively, otherwise the fragment's value wins
 * (arrays are replaced, not concatenated). Neither argument is changed.
 */
export function deepMerge(target: JsonObject, fragment: JsonObject): JsonObject {
  const merged: JsonObject = { ...target };
  for (const [key, value] of Object.entries(fragment)) {
    const existing = merged[key];
    merged[key] =
      isJsonObject(existing) && isJsonObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}
