import { describe, expect, it } from 'vitest';
import { jsonLines, lineOfPath } from '../../daemon/ui/src/json-locate.js';

const APP = `{
  "id": "/web",
  "cpus": -1,
  "container": {
    "docker": { "image": "" }
  },
  "portDefinitions": [
    { "port": 0 },
    {
      "port": -5,
      "name": "http"
    }
  ],
  "args": ["a", "b"]
}`;

describe('finding the line of a field Marathon names', () => {
  const lines = jsonLines(APP);

  it('finds top-level and nested fields on their own lines', () => {
    expect(lineOfPath(lines, '/id')).toBe(2);
    expect(lineOfPath(lines, '/cpus')).toBe(3);
    expect(lineOfPath(lines, '/container/docker/image')).toBe(5);
  });

  it("finds array elements in play-json's (n) and [n] notations", () => {
    expect(lineOfPath(lines, '/portDefinitions(0)/port')).toBe(8);
    expect(lineOfPath(lines, '/portDefinitions(1)')).toBe(9);
    expect(lineOfPath(lines, '/portDefinitions[1]/port')).toBe(10);
    expect(lineOfPath(lines, '/args(1)')).toBe(14);
  });

  it('puts a missing field at the nearest enclosing one', () => {
    expect(lineOfPath(lines, '/container/docker/network')).toBe(5);
    expect(lineOfPath(lines, '/portDefinitions(1)/protocol')).toBe(9);
    expect(lineOfPath(lines, '/cmd')).toBe(1);
  });

  it('puts the document itself, and anything in text that is not JSON, on line 1', () => {
    expect(lineOfPath(lines, '/')).toBe(1);
    expect(lineOfPath(jsonLines('{"id": '), '/id')).toBe(1);
  });

  it('reads escaped quotes in strings without losing its place', () => {
    const text = '{\n  "cmd": "echo \\"}\\"",\n  "mem": -1\n}';
    expect(lineOfPath(jsonLines(text), '/mem')).toBe(3);
  });
});
