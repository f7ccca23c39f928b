/**
 * The view a Marathon template is rendered with, built as Cosmos builds its Java
 * view (PackageDefinitionRenderer.jsonToJava) so that mustache prints what
 * mustache.java printed for Cosmos:
 * - a string is JSON-escaped without its quotes, so `"{{name}}"` stays valid JSON;
 *   inside an array it keeps its quotes, so `{{list}}` prints `["a", "b"]`;
 * - a whole number prints as an integer (`2.0` as `2`), others as they are;
 * - an array prints as Java's List.toString (`[1, 2]`), an object as Map.toString;
 * - null and absent options print nothing and are falsy, as is the empty string.
 */
import { isJsonObject } from './json-object.js';

export type ViewValue = string | boolean | null | ViewValue[] | { [key: string]: ViewValue };

export function formatNumber(value: number): string {
  // BigInt prints large whole numbers in full where String would switch to 1e+21.
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

function withToString<T extends object>(target: T, render: () => string): T {
  Object.defineProperty(target, 'toString', { value: render, enumerable: false });
  return target;
}

export function toView(value: unknown, insideArray = false): ViewValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return insideArray ? quoted : quoted.slice(1, -1);
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => toView(item, true));
    return withToString(items, () => `[${items.map(String).join(', ')}]`);
  }
  if (isJsonObject(value)) {
    const object: { [key: string]: ViewValue } = {};
    for (const [key, item] of Object.entries(value)) object[key] = toView(item, false);
    return withToString(
      object,
      () =>
        `{${Object.entries(object)
          .map(([key, item]) => `${key}=${String(item)}`)
          .join(', ')}}`,
    );
  }
  return null;
}
