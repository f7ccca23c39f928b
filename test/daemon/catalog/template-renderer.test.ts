/**
 * The template renderer against Cosmos's rules (PackageDefinitionRenderer and its
 * spec), one rule per test.
 */
import { CosmosError } from '@mesolite/daemon/catalog/errors';
import { renderTemplate, renderTemplateText } from '@mesolite/daemon/catalog/template-renderer';
import { describe, expect, it } from 'vitest';

function cosmosError(type: string) {
  return expect.objectContaining({ type });
}

describe('rendering a Marathon template as Cosmos does', () => {
  it('does not HTML-escape: <, >, & and quotes reach the JSON unchanged', () => {
    const app = renderTemplate('{"html": "{{html}}"}', { html: '<a>Foo&Bar Inc.</a>' });
    expect(app.html).toBe('<a>Foo&Bar Inc.</a>');
  });

  it('JSON-escapes string values, so quotes, backslashes and control characters stay valid JSON', () => {
    const value = '\n\'"\\\r\t\b\f';
    expect(renderTemplate('{"s": "{{s}}"}', { s: value }).s).toBe(value);
    expect(renderTemplate('{"s": "{{s}}"}', { s: 'foo"bar' }).s).toBe('foo"bar');
  });

  it('keeps unicode strings as they are', () => {
    expect(renderTemplate('{"s": "{{s}}"}', { s: 'ÿöłø' }).s).toBe('ÿöłø');
  });

  it('renders integers, longs, doubles and booleans as JSON literals', () => {
    const app = renderTemplate('{"i": {{i}}, "l": {{l}}, "d": {{d}}, "b": {{b}}}', {
      i: 42,
      l: 4200000000000000000,
      d: 42.1,
      b: false,
    });
    expect(renderTemplateText('{{l}}', { l: 4200000000000000000 })).toBe('4200000000000000000');
    expect(app).toEqual({ i: 42, l: 4200000000000000000, d: 42.1, b: false });
  });

  it('renders a whole number given as 2.0 as the integer 2', () => {
    // JSON.parse('2.0') is 2 already; what matters is that no "2.0" or "2e0" is printed.
    expect(renderTemplateText('{{n}}', JSON.parse('{"n": 2.0}'))).toBe('2');
    expect(renderTemplateText('{{n}}', { n: 1e21 })).toBe('1000000000000000000000');
  });

  it('prints arrays as lists, with strings inside arrays keeping their quotes', () => {
    expect(renderTemplateText('{{a}}', { a: ['one', 'two'] })).toBe('["one", "two"]');
    expect(renderTemplateText('{{a}}', { a: [1, 2, 3] })).toBe('[1, 2, 3]');
    expect(renderTemplateText('{{a}}', { a: [true, false] })).toBe('[true, false]');
    expect(renderTemplateText('{{a}}', { a: [['a', 'b'], ['c']] })).toBe('[["a", "b"], ["c"]]');
    expect(renderTemplate('{"a": {{a}}}', { a: ['x"y'] }).a).toEqual(['x"y']);
  });

  it('keeps the quotes of strings when a section iterates over an array', () => {
    expect(renderTemplateText('{{#a}}{{.}};{{/a}}', { a: ['x', 'y'] })).toBe('"x";"y";');
  });

  it('reads dotted and hyphenated names, and names starting with a digit', () => {
    const context = {
      service: {
        'a-numeric-value': 1,
        '2d-numeric-array': [
          [1, 2],
          [3, 4],
        ],
        name: 'n',
      },
    };
    expect(
      renderTemplate(
        '{"v": {{service.a-numeric-value}}, "m": {{service.2d-numeric-array}}, "n": "{{service.name}}"}',
        context,
      ),
    ).toEqual({
      v: 1,
      m: [
        [1, 2],
        [3, 4],
      ],
      n: 'n',
    });
  });

  it('renders an absent option as nothing, and treats it as false in sections', () => {
    const template =
      '{ {{#service.missing}}"absent": 1,{{/service.missing}}{{^service.missing}}"present": 2,{{/service.missing}} "x": "{{service.missing}}"}';
    expect(renderTemplate(template, { service: {} })).toEqual({ present: 2, x: '' });
  });

  it('treats null, false, the empty string and empty arrays as false in sections', () => {
    const template = '{{#v}}T{{/v}}{{^v}}F{{/v}}';
    for (const v of [null, false, '', []]) expect(renderTemplateText(template, { v })).toBe('F');
    for (const v of [true, 'x', 0, [1], {}])
      expect(renderTemplateText(template, { v })).toMatch(/^T+$/);
  });

  it('enters an object section with the object as context', () => {
    expect(renderTemplate('{ {{#o}}"k": "{{k}}"{{/o}} }', { o: { k: 'v' } })).toEqual({ k: 'v' });
  });

  it('asJson prints a string option holding JSON raw, and null when it is absent or not a string', () => {
    const template =
      '{"existing": {{#asJson}}existingKey{{/asJson}}, "missing": {{#asJson}}missingKey{{/asJson}}, "number": {{#asJson}}nonJsonStringKey{{/asJson}}}';
    expect(
      renderTemplate(template, { existingKey: '{"foo": ["bar", "baz"]}', nonJsonStringKey: 1234 }),
    ).toEqual({ existing: { foo: ['bar', 'baz'] }, missing: null, number: null });
  });

  it('fails with MarathonTemplateMustBeJsonObject when the result is JSON but not an object', () => {
    expect(() => renderTemplate('["not-an-object"]', {})).toThrow(CosmosError);
    expect(() => renderTemplate('["not-an-object"]', {})).toThrow(
      cosmosError('MarathonTemplateMustBeJsonObject'),
    );
  });

  it('fails with JsonParsingError when the result is not JSON', () => {
    expect(() => renderTemplate('{"id": "broken"', {})).toThrow(cosmosError('JsonParsingError'));
  });

  it('does not read partials', () => {
    expect(renderTemplate('{"a": "{{> /etc/passwd}}"}', {})).toEqual({ a: '' });
  });
});
