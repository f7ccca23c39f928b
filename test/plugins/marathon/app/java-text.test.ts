import {
  isJavaInt,
  isValidJavaUri,
  javaDouble,
  javaUriPath,
} from '@mesolite/plugin-marathon/app/java-text';
import { describe, expect, it } from 'vitest';

describe('doubles', () => {
  it.each([
    [128, '128.0'],
    [0.5, '0.5'],
    [0, '0.0'],
    [1e7, '1.0E7'],
    [0.0001, '1.0E-4'],
    [1234.5678, '1234.5678'],
  ])('%d prints as the JVM prints it: %s', (value, text) => {
    expect(javaDouble(value)).toBe(text);
  });
});

describe('integers in constraint values', () => {
  it.each([
    ['2', true],
    ['+2', true],
    ['-2', true],
    ['2.0', false],
    [' 2', false],
    ['2147483648', false],
  ])('%j is an Int to Scala: %s', (text, valid) => {
    expect(isJavaInt(text)).toBe(valid);
  });
});

describe('URIs', () => {
  it.each([
    'http://downloads.mesosphere.com/misc/toggle.tgz',
    'https://user@host:8443/path/file.zip?x=1&y=%20#top',
    'file:///tmp/app.tar.gz',
    'hdfs://namenode/app.jar',
    'relative/path.tgz',
    'http://[::1]:8080/x',
    'mailto:ops@example.org',
  ])('%s is valid', (uri) => {
    expect(isValidJavaUri(uri)).toBe(true);
  });

  it.each([
    'http://host/a b',
    'http://host/{x}',
    'http://host/%zz',
    'http://',
    '1http://host',
    ':no-scheme',
    'http://host/a#b#c',
    'http://host/[x]',
  ])('%s is not', (uri) => {
    expect(isValidJavaUri(uri)).toBe(false);
  });

  it('have a path before their query', () => {
    expect(javaUriPath('http://host/dir/app.tgz?version=2')).toBe('/dir/app.tgz');
  });
});
