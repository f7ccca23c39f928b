import {
  AuroraEvaluationError,
  AuroraLimitError,
  AuroraRefusedError,
  AuroraSyntaxError,
  AuroraUnboundNameError,
} from '@mesolite/plugin-aurora/config/errors';
import { describe, expect, it } from 'vitest';
import { configError, run } from './python.js';

function refusal(source: string) {
  const error = configError(() => run(source));
  expect(error).toBeInstanceOf(AuroraRefusedError);
  return error;
}

describe('configurations cannot reach files, modules or commands', () => {
  it('refuses open() with file, line and column', () => {
    const error = refusal("x = 1\ndata = open('/etc/passwd').read()");
    expect(error.code).toBe('MESOLITE_ERR_AURORA_CONFIG_REFUSED');
    expect([error.file, error.line, error.column]).toEqual(['test.aurora', 2, 8]);
    expect(error.message).toMatch(
      /^test\.aurora:2:8: refused: 'open' is not available: configurations cannot open files/,
    );
  });

  it('refuses __import__ as a dunder name', () => {
    const error = refusal("os = __import__('os')");
    expect([error.line, error.column]).toEqual([1, 6]);
    expect(error.detail).toContain("'__import__'");
  });

  it.each(['subprocess', 'sys', 'socket', 'shutil', 'hashlib'])('refuses import %s', (module) => {
    const error = refusal(`import os\nimport ${module}`);
    expect(error.line).toBe(2);
    expect(error.detail).toContain(`importing '${module}' is not allowed`);
  });

  it('refuses from-imports of other modules', () => {
    expect(refusal('from subprocess import call').detail).toContain("'subprocess'");
  });

  it('refuses exec, eval, getattr and the other escape hatches', () => {
    for (const name of ['exec', 'eval', 'compile', 'getattr', 'globals', 'type', 'print']) {
      expect(refusal(`x = ${name}`).detail).toContain(`'${name}' is not available`);
    }
  });

  it('refuses attribute escapes through dunders', () => {
    const error = refusal('x = ().__class__.__bases__[0].__subclasses__()');
    expect([error.line, error.column]).toEqual([1, 8]);
    expect(error.detail).toContain("'__class__'");
  });

  it.each(['constructor', 'prototype', '__proto__'])(
    'refuses the JavaScript name %s anywhere',
    (name) => {
      expect(refusal(`x = 'a'.${name}`).detail).toContain(`'${name}'`);
      expect(refusal(`${name} = 1`).detail).toContain(`'${name}'`);
      expect(refusal(`x = Process(${name}=1)`).detail).toContain(`'${name}'`);
    },
  );

  it('refuses dunder keywords smuggled through **kwargs', () => {
    expect(refusal("x = dict(**{'__proto__': 1})").detail).toContain("'__proto__'");
  });

  it('refuses while loops, try, with, global and decorators', () => {
    expect(refusal('while True:\n  pass').detail).toContain("'while' loops are not supported");
    expect(refusal('try:\n  x = 1\nexcept:\n  pass').detail).toContain("'try'");
    expect(refusal("with open('f') as f:\n  pass").detail).toContain("'with'");
    expect(refusal('@decorator\ndef f():\n  pass').detail).toContain('decorators');
    expect(refusal('global x').detail).toContain("'global'");
  });

  it('refuses classes that are not Structs', () => {
    expect(refusal('class Evil(dict):\n  pass').detail).toContain('must derive from Struct');
  });

  it('refuses assigning attributes of configuration objects', () => {
    expect(refusal("p = Process(name='a', cmdline='b')\np.name = 'c'").detail).toContain(
      'immutable',
    );
  });

  it('refuses include() when no file reader is given', () => {
    expect(refusal("include('other.aurora')").detail).toContain('include() is not available');
  });
});

describe('errors name the file, line and column', () => {
  it('points a syntax error at its line and column', () => {
    const error = configError(() => run('x = 1\ny = (2 +\n  3))\n'));
    expect(error).toBeInstanceOf(AuroraSyntaxError);
    expect(error.code).toBe('MESOLITE_ERR_AURORA_CONFIG_SYNTAX');
    expect([error.line, error.column]).toEqual([3, 5]);
  });

  it('points at a missing colon', () => {
    const error = configError(() => run('if True\n  x = 1'));
    expect(error).toBeInstanceOf(AuroraSyntaxError);
    expect([error.line, error.column, error.detail]).toEqual([
      1,
      8,
      "syntax error: expected ':' but found end of line",
    ]);
  });

  it('reports an unterminated string where it starts', () => {
    const error = configError(() => run("x = 1\ny = 'open"));
    expect([error.line, error.column, error.detail]).toEqual([
      2,
      5,
      'syntax error: unterminated string literal',
    ]);
  });

  it('reports inconsistent dedents', () => {
    const error = configError(() => run('if True:\n    x = 1\n  y = 2'));
    expect(error.detail).toContain('unindent does not match');
    expect(error.line).toBe(3);
  });

  it('reports an unexpected indent', () => {
    expect(configError(() => run('x = 1\n  y = 2')).detail).toContain('unexpected indent');
  });

  it('points into an f-string expression', () => {
    const error = configError(() => run("x = 1\ny = f'a {x +} b'"));
    expect(error).toBeInstanceOf(AuroraSyntaxError);
    expect(error.line).toBe(2);
  });

  it('reports Python errors with their type and location', () => {
    const error = configError(() => run("x = 1\ny = {'a': 1}['b']"));
    expect(error).toBeInstanceOf(AuroraEvaluationError);
    expect(error.message).toBe("test.aurora:2:13: KeyError: 'b'");
  });

  it('reports a type error in an operation', () => {
    expect(configError(() => run("x = 'a' + 1")).detail).toBe(
      "TypeError: unsupported operand type(s) for +: 'str' and 'int'",
    );
  });

  it('names every undefined name in the file at once', () => {
    const error = configError(() => run('a = first_missing\nb = second_missing + a\nc = a'));
    expect(error).toBeInstanceOf(AuroraUnboundNameError);
    expect((error as AuroraUnboundNameError).names).toEqual(['first_missing', 'second_missing']);
    expect([error.line, error.column]).toEqual([1, 5]);
  });
});

describe('resource limits keep a configuration from exhausting the daemon', () => {
  it('bounds the number of evaluation steps', () => {
    const source = 'x = 0\nfor i in range(1000):\n  for j in range(1000):\n    x += 1';
    const error = configError(() => run(source, { limits: { maxSteps: 10_000 } }));
    expect(error).toBeInstanceOf(AuroraLimitError);
    expect(error.code).toBe('MESOLITE_ERR_AURORA_CONFIG_LIMIT');
    expect(error.detail).toContain('more than 10000 steps');
  });

  it('bounds recursion', () => {
    const error = configError(() => run('def f(n):\n  return f(n + 1)\nx = f(0)'));
    expect(error).toBeInstanceOf(AuroraLimitError);
    expect(error.detail).toContain('recursive');
  });

  it('bounds string sizes', () => {
    expect(configError(() => run("x = 'a' * 2000000"))).toBeInstanceOf(AuroraLimitError);
    const doubling = "x = 'a' * 1000\nfor i in range(20):\n  x = x + x";
    expect(configError(() => run(doubling))).toBeInstanceOf(AuroraLimitError);
  });

  it('bounds collection sizes', () => {
    expect(configError(() => run('x = range(10 ** 9)'))).toBeInstanceOf(AuroraLimitError);
    expect(configError(() => run('x = [0] * 10 ** 8'))).toBeInstanceOf(AuroraLimitError);
  });

  it('bounds integers to what a JavaScript number holds exactly', () => {
    expect(configError(() => run('x = 2 ** 64'))).toBeInstanceOf(AuroraLimitError);
  });

  it('bounds nesting depth in the parser', () => {
    expect(configError(() => run(`x = ${'['.repeat(500)}${']'.repeat(500)}`))).toBeInstanceOf(
      AuroraLimitError,
    );
  });

  it('bounds chains of operators that nest without brackets', () => {
    const error = configError(() => run(`x = ${'1+'.repeat(5000)}1`));
    expect(error).toBeInstanceOf(AuroraLimitError);
    expect(error.detail).toContain('expressions nest deeper than');
  });

  it('bounds format widths before padding', () => {
    expect(configError(() => run("x = '{:>999999999}'.format(1)"))).toBeInstanceOf(
      AuroraLimitError,
    );
    expect(configError(() => run("x = '%999999999d' % 1"))).toBeInstanceOf(AuroraLimitError);
  });

  it('bounds str.replace before it builds the result', () => {
    expect(configError(() => run("x = 'ab'.replace('', 'c' * 900000)"))).toBeInstanceOf(
      AuroraLimitError,
    );
  });

  it('bounds include depth', () => {
    const readFile = () => "include('self.aurora')";
    const error = configError(() => run("include('self.aurora')", { readFile }));
    expect(error).toBeInstanceOf(AuroraLimitError);
    expect(error.detail).toContain('include() nests deeper');
  });

  it('bounds the source size', () => {
    expect(configError(() => run(`x = 1${' '.repeat(1_000_001)}`))).toBeInstanceOf(
      AuroraLimitError,
    );
  });
});
