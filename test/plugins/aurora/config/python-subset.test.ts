import { describe, expect, it } from 'vitest';
import { reprOf, run } from './python.js';

describe('the Python subset: literals', () => {
  it('reads ints, floats, exponents, hex and underscores', () => {
    expect(reprOf('x = [1, 2.5, 1e3, 0x1F, 1_000, .5]')).toBe('[1, 2.5, 1000.0, 31, 1000, 0.5]');
  });

  it('reads single, double, triple-quoted and raw strings', () => {
    const source = [
      "a = 'single'",
      'b = "double"',
      "c = '''triple\nline'''",
      'd = """also\ntriple"""',
      "e = r'raw\\n'",
      'x = [a, b, c, d, e]',
    ].join('\n');
    expect(reprOf(source)).toBe(
      "['single', 'double', 'triple\\nline', 'also\\ntriple', 'raw\\\\n']",
    );
  });

  it('decodes escape sequences in ordinary strings', () => {
    expect(reprOf("x = 'tab\\there \\x41\\u00e9 \\'q\\''")).toBe(`"tab\\there Aé 'q'"`);
  });

  it('concatenates adjacent string literals', () => {
    expect(reprOf("x = ('one '\n     \"two \"\n     'three')")).toBe("'one two three'");
  });

  it('reads None, True and False', () => {
    expect(reprOf('x = (None, True, False)')).toBe('(None, True, False)');
  });

  it('builds lists, tuples and dicts, with trailing commas', () => {
    expect(reprOf("x = [(1,), (1, 2), {'a': 1, 'b': [2,],},]")).toBe(
      "[(1,), (1, 2), {'a': 1, 'b': [2]}]",
    );
  });
});

describe('the Python subset: layout', () => {
  it('ignores comments and blank lines', () => {
    expect(reprOf('# a comment\n\nx = 1  # trailing\n\n# end\n')).toBe('1');
  });

  it('joins lines inside brackets and after a backslash', () => {
    expect(reprOf('x = (1 +\n  2 +\n      3)\ny = 4 + \\\n  5\nx = [x, y]')).toBe('[6, 9]');
  });

  it('follows indentation for blocks, including nested ones', () => {
    const source = [
      'x = []',
      'for i in range(3):',
      '  if i > 0:',
      '      x.append(i)',
      '  else:',
      '      x.append(-1)',
      'x.append(9)',
    ].join('\n');
    expect(reprOf(source)).toBe('[-1, 1, 2, 9]');
  });

  it('accepts Windows line endings and tab indentation', () => {
    expect(reprOf('x = []\r\nfor i in (1, 2):\r\n\tx.append(i)\r\n')).toBe('[1, 2]');
  });

  it('accepts a conditional expression inside a comprehension condition', () => {
    expect(reprOf('x = [i for i in range(4) if (i if i > 1 else 0)]')).toBe('[2, 3]');
  });

  it('accepts a one-line block after the colon and statements separated by semicolons', () => {
    expect(reprOf('if True: x = 1; y = 2\nx = x + y')).toBe('3');
  });
});

describe('the Python subset: operators', () => {
  it('does arithmetic with Python semantics', () => {
    expect(
      reprOf('x = [7 // 2, -7 // 2, 7 % 3, -7 % 3, 7 / 2, 2 ** 10, 2 ** -1, 1 + 2.0, True + 1]'),
    ).toBe('[3, -4, 1, 2, 3.5, 1024, 0.5, 3.0, 2]');
  });

  it('multiplies the size units', () => {
    expect(reprOf('x = [16 * MB, 2 * GB, TB // GB, KB, BYTES]')).toBe(
      '[16777216, 2147483648, 1024, 1024, 1]',
    );
  });

  it('compares, chains comparisons and tests membership', () => {
    expect(
      reprOf(
        "x = [1 < 2 < 3, 1 < 3 < 2, 'a' in 'cat', 2 not in [1, 3], 'k' in {'k': 1}, None is None, 1 == 1.0, [1, 2] < [1, 3]]",
      ),
    ).toBe('[True, False, True, True, True, True, True, True]');
  });

  it('short-circuits and/or and returns the deciding operand', () => {
    expect(
      reprOf("x = [0 or 'b', 'a' and 'b', not '', None or [] or 'last', 0 and undefined_name]"),
    ).toBe("['b', 'b', True, 'last', 0]");
  });

  it('evaluates conditional expressions', () => {
    expect(reprOf("n = 3\nx = 'many' if n > 1 else 'one'")).toBe("'many'");
  });

  it('concatenates and repeats strings and lists', () => {
    expect(reprOf("x = ['ab' + 'cd', 'ab' * 2, [1] + [2], [0] * 3, (1,) + (2,)]")).toBe(
      "['abcd', 'abab', [1, 2], [0, 0, 0], (1, 2)]",
    );
  });

  it('indexes and slices lists, tuples and strings, with negative indices', () => {
    expect(
      reprOf(
        "l = [1, 2, 3, 4]\nx = [l[0], l[-1], l[1:3], l[::-1], 'hello'[1:-1], (5, 6)[1], {'a': 1}['a']]",
      ),
    ).toBe("[1, 4, [2, 3], [4, 3, 2, 1], 'ell', 6, 1]");
  });

  it('applies augmented assignment', () => {
    expect(reprOf("x = 1\nx += 2\nx *= 3\nx -= 1\ns = 'a'\ns += 'b'\nx = [x, s]")).toBe(
      "[8, 'ab']",
    );
  });
});

describe('the Python subset: names and statements', () => {
  it('unpacks tuples and lists in assignments and loops, with a starred target', () => {
    const source = [
      'a, b = 1, 2',
      '[c, d] = (3, 4)',
      'first, *rest = [5, 6, 7]',
      'x = []',
      'for k, v in [(a, b), (c, d)]:',
      '  x.append(k + v)',
      'x = [x, first, rest]',
    ].join('\n');
    expect(reprOf(source)).toBe('[[3, 7], 5, [6, 7]]');
  });

  it('assigns one value to several names', () => {
    expect(reprOf('a = b = 5\nx = a + b')).toBe('10');
  });

  it('runs if/elif/else', () => {
    const source = [
      'def grade(n):',
      '  if n > 90:',
      "    return 'a'",
      '  elif n > 50:',
      "    return 'b'",
      '  else:',
      "    return 'c'",
      'x = [grade(95), grade(60), grade(10)]',
    ].join('\n');
    expect(reprOf(source)).toBe("['a', 'b', 'c']");
  });

  it('runs for loops with break, continue and else', () => {
    const source = [
      'x = []',
      'for i in range(10):',
      '  if i % 2:',
      '    continue',
      '  if i > 6:',
      '    break',
      '  x.append(i)',
      'else:',
      "  x.append('never')",
    ].join('\n');
    expect(reprOf(source)).toBe('[0, 2, 4, 6]');
  });

  it('assigns into dicts and lists by subscript', () => {
    expect(reprOf("d = {}\nd['k'] = 1\nl = [0, 0]\nl[-1] = 5\nx = [d, l]")).toBe(
      "[{'k': 1}, [0, 5]]",
    );
  });

  it('defines functions with defaults, keyword and positional arguments', () => {
    const source = [
      "def f(a, b=2, c='c'):",
      '  return [a, b, c]',
      "x = [f(1), f(1, 3), f(1, c='z'), f(b=0, a=9)]",
    ].join('\n');
    expect(reprOf(source)).toBe("[[1, 2, 'c'], [1, 3, 'c'], [1, 2, 'z'], [9, 0, 'c']]");
  });

  it('passes *args and **kwargs both ways', () => {
    const source = [
      'def f(*args, **kw):',
      '  return [args, kw]',
      "opts = {'y': 2}",
      'x = f(*[1, 2], x=1, **opts)',
    ].join('\n');
    expect(reprOf(source)).toBe("[(1, 2), {'x': 1, 'y': 2}]");
  });

  it('returns None from a function without return', () => {
    expect(reprOf('def f():\n  pass\nx = f()')).toBe('None');
  });

  it('lets nested functions see the enclosing function’s names', () => {
    expect(
      reprOf(
        "def outer(p):\n  def inner(s):\n    return p + s\n  return inner('!')\nx = outer('hi')",
      ),
    ).toBe("'hi!'");
  });

  it('supports lambda', () => {
    expect(
      reprOf(
        "f = lambda n, k=1: n * k\nx = [f(2), f(2, k=3), sorted(['bb', 'a'], key=lambda s: len(s))]",
      ),
    ).toBe("[2, 6, ['a', 'bb']]");
  });

  it('builds list and dict comprehensions with conditions and nested loops', () => {
    const source = [
      'x = [',
      '  [i * i for i in range(5) if i % 2 == 0],',
      "  ['%s%d' % (a, b) for a in 'xy' for b in range(2)],",
      '  {k: v for k, v in [(1, 2), (3, 4)]},',
      "  ' '.join(s.upper() for s in ['a', 'b']),",
      ']',
    ].join('\n');
    expect(reprOf(source)).toBe("[[0, 4, 16], ['x0', 'x1', 'y0', 'y1'], {1: 2, 3: 4}, 'A B']");
  });

  it('keeps a comprehension’s loop variable out of the enclosing scope', () => {
    expect(run('i = 9\ny = [i for i in range(3)]').get('i')).toBe(9);
  });
});

describe('the Python subset: formatting', () => {
  it('formats with %', () => {
    expect(
      reprOf(
        "x = ['%s-%d' % ('a', 5), '%05.1f|%-4s|%4s' % (3.14159, 'ab', 'cd'), '%(n)s=%(v)r' % {'n': 'k', 'v': 'v'}, '100%%' % (), '%s' % 'one']",
      ),
    ).toBe("['a-5', '003.1|ab  |  cd', \"k='v'\", '100%', 'one']");
  });

  it('formats with str.format', () => {
    expect(
      reprOf(
        "x = ['{} {}'.format(1, 'a'), '{1}{0}'.format('a', 'b'), '{n}:{n}'.format(n=3), '{:>5}|{:<3}|{:^5}'.format('r', 'l', 'c'), '{:.2f}'.format(2.5), '{{}}'.format()]",
      ),
    ).toBe("['1 a', 'ba', '3:3', '    r|l  |  c  ', '2.50', '{}']");
  });

  it('formats f-strings with expressions, conversions and specs', () => {
    const source = [
      "name = 'web'",
      'n = 3',
      "x = f'{name}-{n + 1}-{name!r}-{n:03d}-{{literal}}-{[k for k in range(n)]}'",
    ].join('\n');
    expect(reprOf(source)).toBe('"web-4-\'web\'-003-{literal}-[0, 1, 2]"');
  });

  it('prints floats as Python does', () => {
    expect(reprOf('x = [str(1.0), str(0.1), str(2.5e-7), str(1e22), str(10 / 4)]')).toBe(
      "['1.0', '0.1', '2.5e-07', '1e+22', '2.5']",
    );
  });
});

describe('the Python subset: builtins and methods', () => {
  it('provides range, str, int, float, len', () => {
    expect(
      reprOf(
        "x = [range(3), range(1, 7, 2), str(5), int('42'), int(3.9), float('1.5'), float(2), len('abc'), len([1]), len({})]",
      ),
    ).toBe("[[0, 1, 2], [1, 3, 5], '5', 42, 3, 1.5, 2.0, 3, 1, 0]");
  });

  it('provides the other harmless builtins', () => {
    expect(
      reprOf(
        "x = [min(3, 1), max([2, 5]), sum([1, 2.5]), sorted([3, 1]), list(enumerate('ab')), list(zip([1], ['a'])), abs(-2), bool([]), any([0, 1]), all([])]",
      ),
    ).toBe("[1, 5, 3.5, [1, 3], [(0, 'a'), (1, 'b')], [(1, 'a')], 2, False, True, True]");
  });

  it('provides the string methods configurations use', () => {
    expect(
      reprOf(
        "x = ['a-b'.replace('-', '_'), ','.join(['a', 'b']), 'a b  c'.split(), 'a,b'.split(','), '  s  '.strip(), 'Up'.upper(), 'Up'.lower(), 'xx'.startswith('x'), 'ab'.endswith('c')]",
      ),
    ).toBe("['a_b', 'a,b', ['a', 'b', 'c'], ['a', 'b'], 's', 'UP', 'up', True, False]");
  });

  it('sorts, pops and inserts in lists', () => {
    expect(
      reprOf(
        'l = [3, 1, 2]\nl.sort()\nl.insert(0, 9)\nlast = l.pop()\nl.sort(key=lambda n: -n)\nx = [l, last]',
      ),
    ).toBe('[[9, 2, 1], 3]');
  });

  it('provides dict and list methods', () => {
    expect(
      reprOf(
        "d = {'a': 1}\nl = [1]\nl.extend([2])\nx = [d.get('a'), d.get('z', 0), d.keys(), d.items(), l]",
      ),
    ).toBe("[1, 0, ['a'], [('a', 1)], [1, 2]]");
  });
});

describe('the Python subset: the environment', () => {
  const env = { USER: 'alice', HOME: '/home/alice' };

  it('reads os.getenv and os.environ from the injected environment only', () => {
    expect(
      reprOf(
        "import os\nx = [os.getenv('USER'), os.getenv('NOPE'), os.getenv('NOPE', 'dflt'), os.environ.get('HOME'), os.environ['USER']]",
        'x',
        { env },
      ),
    ).toBe("['alice', None, 'dflt', '/home/alice', 'alice']");
  });

  it('answers getpass.getuser() from the environment', () => {
    expect(reprOf('import getpass\nx = getpass.getuser()', 'x', { env })).toBe("'alice'");
  });

  it('accepts pystachio imports and from-imports of the schema', () => {
    expect(
      reprOf(
        'from pystachio import *\nfrom pystachio import String, Integer\nimport os, getpass\nx = 1',
      ),
    ).toBe('1');
  });

  it('joins paths with os.path', () => {
    expect(
      reprOf(
        "import os\nx = [os.path.join('/a', 'b', 'c.py'), os.path.join('a/', '/b', 'c'), os.path.basename('/a/b.py')]",
      ),
    ).toBe("['/a/b/c.py', '/b/c', 'b.py']");
  });
});
