/**
 * Renders a Marathon template (marathon.json.mustache) with Cosmos's rules: no HTML
 * escaping, the view of mustache-context.ts, dotted and hyphenated names
 * (`{{service.a-name}}`), and the `asJson` lambda: `{{#asJson}}name{{/asJson}}`
 * prints the top-level option `name`, a string holding JSON, raw (or `null` when it
 * is absent or not a string). The output must parse as a JSON object.
 */
import Mustache from 'mustache';
import { jsonParsingError, marathonTemplateMustBeJsonObject } from './errors.js';
import { isJsonObject, type JsonObject } from './json-object.js';
import { toView } from './mustache-context.js';

// Values are already JSON-escaped by the view; mustache must print them unchanged.
const RAW = { escape: (value: unknown) => String(value) };

function asJsonLambda(context: JsonObject) {
  return () =>
    (name: string, render: (text: string) => string): string => {
      const value = Object.hasOwn(context, name) ? context[name] : undefined;
      // mustache.java re-renders what a TemplateFunction returns, as Cosmos's did.
      return typeof value === 'string' ? render(value) : 'null';
    };
}

/** The rendered template as text, before it is parsed. */
export function renderTemplateText(template: string, context: JsonObject): string {
  const view = toView(context) as Record<string, unknown>;
  view.asJson = asJsonLambda(context);
  // No partials: Universe templates have none, and a package must not read files.
  return Mustache.render(template, view, {}, RAW);
}

export function renderTemplate(template: string, context: JsonObject): JsonObject {
  const text = renderTemplateText(template, context);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw jsonParsingError('ParsingFailure', (err as Error).message, text);
  }
  if (!isJsonObject(parsed)) throw marathonTemplateMustBeJsonObject();
  return parsed;
}
