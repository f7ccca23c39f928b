import type { Arg, CompClause, Expr, FormattedValue, Param, Pos, Stmt } from './ast.js';
import { AuroraLimitError, AuroraRefusedError, AuroraSyntaxError } from './errors.js';
import { isForbiddenName, isKeyword, type Token, tokenize } from './tokenizer.js';

/** Nesting beyond this is refused: the parser recurses, and so would the evaluator. */
export const MAX_NESTING = 100;

/** Statements that are Python but outside the configuration subset, with the reason. */
const REFUSED_STATEMENTS: Record<string, string> = {
  while: "'while' loops are not supported; use 'for' over a range() or a list",
  try: "'try' statements are not supported in configurations",
  with: "'with' statements are not supported: configurations cannot open files",
  global: "'global' statements are not supported",
  nonlocal: "'nonlocal' statements are not supported",
  del: "'del' statements are not supported",
  raise: "'raise' statements are not supported",
  assert: "'assert' statements are not supported",
  yield: 'generators are not supported',
  async: 'asynchronous code is not supported',
  await: 'asynchronous code is not supported',
};

const COMPARISONS = new Set(['<', '>', '==', '!=', '<=', '>=']);
const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=']);

export function parseModule(source: string, file: string): Stmt[] {
  return new Parser(tokenize(source, file), file).module();
}

class Parser {
  private pos = 0;
  private nesting = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
    private readonly offset: { line: number; column: number } | null = null,
  ) {}

  module(): Stmt[] {
    const body: Stmt[] = [];
    while (this.peek().kind !== 'eof') {
      if (this.peek().kind === 'newline') {
        this.pos++;
        continue;
      }
      body.push(...this.statement());
    }
    return body;
  }

  /** A single expression that must use every token: an f-string's `{...}`. */
  standaloneExpression(): Expr {
    const expr = this.testList();
    while (this.peek().kind === 'newline') this.pos++;
    if (this.peek().kind !== 'eof')
      this.fail(this.peek(), `unexpected '${this.peek().value}' in f-string expression`);
    return expr;
  }

  // --- helpers -------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private loc(token: Pos): { file: string; line: number; column: number } {
    if (!this.offset) return { file: this.file, line: token.line, column: token.column };
    return {
      file: this.file,
      line: this.offset.line + token.line - 1,
      column: token.line === 1 ? this.offset.column + token.column - 1 : token.column,
    };
  }

  private pos0(token: Token): Pos {
    const { line, column } = this.loc(token);
    return { line, column };
  }

  private fail(token: Token, message: string): never {
    throw new AuroraSyntaxError(this.loc(token), message);
  }

  private isOp(value: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.value === value;
  }

  private isName(value: string): boolean {
    const t = this.peek();
    return t.kind === 'name' && t.value === value;
  }

  private acceptOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.pos++;
    return true;
  }

  private acceptName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.pos++;
    return true;
  }

  private expectOp(value: string): Token {
    if (!this.isOp(value))
      this.fail(this.peek(), `expected '${value}' but found ${describe(this.peek())}`);
    return this.next();
  }

  private expectKeyword(value: string): void {
    if (!this.acceptName(value))
      this.fail(this.peek(), `expected '${value}' but found ${describe(this.peek())}`);
  }

  private identifier(): string {
    const token = this.peek();
    if (token.kind !== 'name' || isKeyword(token.value)) {
      this.fail(token, `expected a name but found ${describe(token)}`);
    }
    this.checkName(token);
    this.pos++;
    return token.value;
  }

  private checkName(token: Token): void {
    if (isForbiddenName(token.value)) {
      throw new AuroraRefusedError(
        this.loc(token),
        `the name '${token.value}' is not allowed in configurations (dunder names and JavaScript internals are refused)`,
      );
    }
  }

  private enter(token: Token): void {
    if (++this.nesting > MAX_NESTING) {
      throw new AuroraLimitError(
        this.loc(token),
        `expressions and blocks nest deeper than ${MAX_NESTING} levels`,
      );
    }
  }

  private leave(): void {
    this.nesting--;
  }

  // --- statements ----------------------------------------------------------------

  private statement(): Stmt[] {
    const token = this.peek();
    if (token.kind === 'indent') this.fail(token, 'unexpected indent');
    if (token.kind === 'name' && Object.hasOwn(REFUSED_STATEMENTS, token.value)) {
      throw new AuroraRefusedError(this.loc(token), REFUSED_STATEMENTS[token.value] as string);
    }
    if (token.kind === 'op' && token.value === '@') {
      throw new AuroraRefusedError(this.loc(token), 'decorators are not supported');
    }
    if (token.kind === 'name') {
      switch (token.value) {
        case 'def':
          return [this.funcDef()];
        case 'class':
          return [this.classDef()];
        case 'if':
          return [this.ifStatement()];
        case 'for':
          return [this.forStatement()];
      }
    }
    const statements = [this.simpleStatement()];
    while (this.acceptOp(';')) {
      if (this.peek().kind === 'newline') break;
      statements.push(this.simpleStatement());
    }
    if (this.peek().kind !== 'newline' && this.peek().kind !== 'eof') {
      this.fail(this.peek(), `unexpected ${describe(this.peek())}`);
    }
    if (this.peek().kind === 'newline') this.pos++;
    return statements;
  }

  private block(): Stmt[] {
    this.expectOp(':');
    const open = this.peek();
    this.enter(open);
    try {
      if (open.kind !== 'newline') {
        const body = [this.simpleStatement()];
        while (this.acceptOp(';')) {
          if (this.peek().kind === 'newline') break;
          body.push(this.simpleStatement());
        }
        if (this.peek().kind === 'newline') this.pos++;
        else if (this.peek().kind !== 'eof')
          this.fail(this.peek(), `unexpected ${describe(this.peek())}`);
        return body;
      }
      this.pos++;
      if (this.peek().kind !== 'indent') this.fail(this.peek(), 'expected an indented block');
      this.pos++;
      const body: Stmt[] = [];
      while (this.peek().kind !== 'dedent' && this.peek().kind !== 'eof') {
        body.push(...this.statement());
      }
      if (this.peek().kind === 'dedent') this.pos++;
      return body;
    } finally {
      this.leave();
    }
  }

  private simpleStatement(): Stmt {
    const token = this.peek();
    const at = this.pos0(token);
    if (token.kind === 'name') {
      if (Object.hasOwn(REFUSED_STATEMENTS, token.value)) {
        throw new AuroraRefusedError(this.loc(token), REFUSED_STATEMENTS[token.value] as string);
      }
      switch (token.value) {
        case 'pass':
        case 'break':
        case 'continue':
          this.pos++;
          return { kind: token.value, ...at };
        case 'return': {
          this.pos++;
          const t = this.peek();
          const value =
            t.kind === 'newline' || t.kind === 'eof' || this.isOp(';') ? null : this.testList();
          return { kind: 'return', value, ...at };
        }
        case 'import':
          return this.importStatement();
        case 'from':
          return this.fromStatement();
      }
    }
    const first = this.testList(true);
    if (this.peek().kind === 'op' && AUGMENTED.has(this.peek().value)) {
      const op = this.next().value.slice(0, -1);
      this.checkTarget(first, token);
      return { kind: 'augassign', target: first, op, value: this.testList(true), ...at };
    }
    if (this.isOp('=')) {
      const targets = [first];
      let value = first;
      while (this.acceptOp('=')) {
        value = this.testList(true);
        targets.push(value);
      }
      targets.pop();
      for (const target of targets) this.checkTarget(target, token);
      return { kind: 'assign', targets, value, ...at };
    }
    if (this.isOp(':')) this.fail(this.peek(), 'annotations are not supported');
    return { kind: 'expr', value: first, ...at };
  }

  private checkTarget(target: Expr, token: Token): void {
    switch (target.kind) {
      case 'name':
      case 'index':
        return;
      case 'tuple':
      case 'list':
        for (const item of target.items)
          this.checkTarget(item.kind === 'starred' ? item.value : item, token);
        return;
      case 'attr':
        throw new AuroraRefusedError(
          { file: this.file, line: target.line, column: target.column },
          `assigning to the attribute '${target.attr}' is not supported: configuration objects are immutable; build a new one with obj(${target.attr}=...)`,
        );
      default:
        throw new AuroraSyntaxError(
          { file: this.file, line: target.line, column: target.column },
          'cannot assign to this expression',
        );
    }
  }

  private dottedName(): string {
    const parts = [this.identifier()];
    while (this.acceptOp('.')) parts.push(this.identifier());
    return parts.join('.');
  }

  private importStatement(): Stmt {
    const at = this.pos0(this.next());
    const modules: { name: string; alias: string | null }[] = [];
    do {
      const name = this.dottedName();
      const alias = this.acceptName('as') ? this.identifier() : null;
      modules.push({ name, alias });
    } while (this.acceptOp(','));
    return { kind: 'import', modules, ...at };
  }

  private fromStatement(): Stmt {
    const at = this.pos0(this.next());
    if (this.isOp('.'))
      throw new AuroraRefusedError(
        this.loc(this.peek()),
        'relative imports are not supported; use include()',
      );
    const module = this.dottedName();
    this.expectKeyword('import');
    if (this.acceptOp('*')) return { kind: 'from', module, names: '*', ...at };
    const paren = this.acceptOp('(');
    const names: { name: string; alias: string | null }[] = [];
    do {
      if (paren && this.isOp(')')) break;
      const name = this.identifier();
      names.push({ name, alias: this.acceptName('as') ? this.identifier() : null });
    } while (this.acceptOp(','));
    if (paren) this.expectOp(')');
    return { kind: 'from', module, names, ...at };
  }

  private funcDef(): Stmt {
    const at = this.pos0(this.next());
    const name = this.identifier();
    this.expectOp('(');
    const params = this.parameters(')');
    this.expectOp(')');
    if (this.isOp('->')) this.fail(this.peek(), 'annotations are not supported');
    return { kind: 'def', name, params, body: this.block(), ...at };
  }

  private parameters(end: string): Param[] {
    const params: Param[] = [];
    while (!this.isOp(end)) {
      if (this.acceptOp('**'))
        params.push({ name: this.identifier(), kind: 'starstar', default: null });
      else if (this.acceptOp('*'))
        params.push({ name: this.identifier(), kind: 'star', default: null });
      else {
        const name = this.identifier();
        if (this.isOp(':') && end === ')') this.fail(this.peek(), 'annotations are not supported');
        params.push({ name, kind: 'plain', default: this.acceptOp('=') ? this.test() : null });
      }
      if (!this.acceptOp(',')) break;
    }
    return params;
  }

  private classDef(): Stmt {
    const at = this.pos0(this.next());
    const name = this.identifier();
    const bases: Expr[] = [];
    if (this.acceptOp('(')) {
      while (!this.isOp(')')) {
        bases.push(this.test());
        if (!this.acceptOp(',')) break;
      }
      this.expectOp(')');
    }
    return { kind: 'class', name, bases, body: this.block(), ...at };
  }

  private ifStatement(): Stmt {
    const at = this.pos0(this.next());
    const test = this.namedTest();
    const body = this.block();
    let orelse: Stmt[] = [];
    if (this.isName('elif')) orelse = [this.ifStatement()];
    else if (this.acceptName('else')) orelse = this.block();
    return { kind: 'if', test, body, orelse, ...at };
  }

  private forStatement(): Stmt {
    const at = this.pos0(this.next());
    const target = this.targetList();
    this.expectKeyword('in');
    const iter = this.testList();
    const body = this.block();
    const orelse = this.acceptName('else') ? this.block() : [];
    return { kind: 'for', target, iter, body, orelse, ...at };
  }

  private targetList(): Expr {
    const first = this.peek();
    const items = [this.orExpr()];
    let tuple = false;
    while (this.acceptOp(',')) {
      tuple = true;
      if (this.isName('in') || this.isOp('=')) break;
      items.push(this.orExpr());
    }
    const target: Expr = tuple ? { kind: 'tuple', items, ...this.pos0(first) } : (items[0] as Expr);
    this.checkTarget(target, first);
    return target;
  }

  // --- expressions ---------------------------------------------------------------

  /** `a, b` is a tuple wherever Python allows a bare one. */
  private testList(allowStar = false): Expr {
    const first = this.peek();
    const item = () => (allowStar && this.isOp('*') ? this.starred() : this.test());
    const items = [item()];
    if (!this.isOp(',')) return items[0] as Expr;
    while (this.acceptOp(',')) {
      const t = this.peek();
      if (
        t.kind === 'newline' ||
        t.kind === 'eof' ||
        (t.kind === 'op' && [')', ']', '}', '=', ';'].includes(t.value))
      )
        break;
      items.push(item());
    }
    return { kind: 'tuple', items, ...this.pos0(first) };
  }

  private starred(): Expr {
    const at = this.pos0(this.expectOp('*'));
    return { kind: 'starred', value: this.orExpr(), ...at };
  }

  private namedTest(): Expr {
    const expr = this.test();
    if (this.isOp(':='))
      throw new AuroraRefusedError(
        this.loc(this.peek()),
        "assignment expressions (':=') are not supported",
      );
    return expr;
  }

  private test(): Expr {
    const token = this.peek();
    this.enter(token);
    try {
      if (this.isName('lambda')) return this.lambda();
      const body = this.orTest();
      if (this.isName('if')) {
        this.pos++;
        const test = this.orTest();
        this.expectKeyword('else');
        const orelse = this.test();
        return { kind: 'ifexp', test, body, orelse, ...this.pos0(token) };
      }
      return body;
    } finally {
      this.leave();
    }
  }

  private lambda(): Expr {
    const at = this.pos0(this.next());
    const params = this.parameters(':');
    this.expectOp(':');
    return { kind: 'lambda', params, body: this.test(), ...at };
  }

  private orTest(): Expr {
    let left = this.andTest();
    while (this.isName('or')) {
      const at = this.pos0(this.next());
      left = { kind: 'bool', op: 'or', left, right: this.andTest(), ...at };
    }
    return left;
  }

  private andTest(): Expr {
    let left = this.notTest();
    while (this.isName('and')) {
      const at = this.pos0(this.next());
      left = { kind: 'bool', op: 'and', left, right: this.notTest(), ...at };
    }
    return left;
  }

  private notTest(): Expr {
    if (this.isName('not')) {
      const token = this.next();
      this.enter(token);
      try {
        return { kind: 'unary', op: 'not', operand: this.notTest(), ...this.pos0(token) };
      } finally {
        this.leave();
      }
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const first = this.orExpr();
    const rest: { op: string; right: Expr }[] = [];
    for (;;) {
      const t = this.peek();
      let op: string | null = null;
      if (t.kind === 'op' && COMPARISONS.has(t.value)) {
        this.pos++;
        op = t.value;
      } else if (this.isName('in')) {
        this.pos++;
        op = 'in';
      } else if (
        this.isName('not') &&
        this.peek(1).kind === 'name' &&
        this.peek(1).value === 'in'
      ) {
        this.pos += 2;
        op = 'not in';
      } else if (this.isName('is')) {
        this.pos++;
        op = this.acceptName('not') ? 'is not' : 'is';
      }
      if (op === null) break;
      rest.push({ op, right: this.orExpr() });
    }
    if (rest.length === 0) return first;
    return { kind: 'compare', first, rest, line: first.line, column: first.column };
  }

  private orExpr(): Expr {
    let left = this.arith();
    while (
      this.isOp('|') ||
      this.isOp('&') ||
      this.isOp('^') ||
      this.isOp('<<') ||
      this.isOp('>>')
    ) {
      const token = this.next();
      left = { kind: 'binary', op: token.value, left, right: this.arith(), ...this.pos0(token) };
    }
    return left;
  }

  private arith(): Expr {
    let left = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const token = this.next();
      left = { kind: 'binary', op: token.value, left, right: this.term(), ...this.pos0(token) };
    }
    return left;
  }

  private term(): Expr {
    let left = this.factor();
    while (
      this.isOp('*') ||
      this.isOp('/') ||
      this.isOp('//') ||
      this.isOp('%') ||
      this.isOp('@')
    ) {
      const token = this.next();
      left = { kind: 'binary', op: token.value, left, right: this.factor(), ...this.pos0(token) };
    }
    return left;
  }

  private factor(): Expr {
    if (this.isOp('-') || this.isOp('+') || this.isOp('~')) {
      const token = this.next();
      this.enter(token);
      try {
        if (token.value === '~')
          throw new AuroraRefusedError(this.loc(token), "the '~' operator is not supported");
        return {
          kind: 'unary',
          op: token.value as '-' | '+',
          operand: this.factor(),
          ...this.pos0(token),
        };
      } finally {
        this.leave();
      }
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    if (this.isOp('**')) {
      const token = this.next();
      return { kind: 'binary', op: '**', left: base, right: this.factor(), ...this.pos0(token) };
    }
    return base;
  }

  private postfix(): Expr {
    let expr = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const token = this.peek();
        const attr = this.identifier();
        expr = { kind: 'attr', object: expr, attr, ...this.pos0(token) };
      } else if (this.isOp('(')) {
        const token = this.next();
        expr = { kind: 'call', callee: expr, args: this.callArgs(), ...this.pos0(token) };
        this.expectOp(')');
      } else if (this.isOp('[')) {
        const token = this.next();
        expr = { kind: 'index', object: expr, index: this.subscript(), ...this.pos0(token) };
        this.expectOp(']');
      } else {
        return expr;
      }
    }
  }

  private subscript(): Expr {
    const token = this.peek();
    const part = () => (this.isOp(':') || this.isOp(']') ? null : this.test());
    const lower = part();
    if (!this.acceptOp(':')) {
      if (lower === null) this.fail(token, 'expected an index');
      return lower;
    }
    const upper = part();
    const step = this.acceptOp(':') ? part() : null;
    return { kind: 'slice', lower, upper, step, ...this.pos0(token) };
  }

  private callArgs(): Arg[] {
    const args: Arg[] = [];
    while (!this.isOp(')')) {
      if (this.acceptOp('**')) args.push({ kind: 'starstar', value: this.test() });
      else if (this.acceptOp('*')) args.push({ kind: 'star', value: this.test() });
      else if (this.peek().kind === 'name' && this.isOp('=', 1)) {
        const name = this.identifier();
        this.pos++;
        args.push({ kind: 'keyword', name, value: this.test() });
      } else {
        const start = this.peek();
        const value = this.test();
        if (this.isName('for')) {
          // A generator argument, `f(x for x in y)`, evaluated as a list.
          args.push({
            kind: 'positional',
            value: this.comprehension('listcomp', value, null, start),
          });
        } else {
          args.push({ kind: 'positional', value });
        }
      }
      if (!this.acceptOp(',')) break;
    }
    return args;
  }

  private comprehension(
    kind: 'listcomp' | 'dictcomp',
    element: Expr,
    value: Expr | null,
    start: Token,
  ): Expr {
    const clauses: CompClause[] = [];
    while (this.acceptName('for')) {
      const target = this.targetList();
      this.expectKeyword('in');
      const iter = this.orTest();
      const ifs: Expr[] = [];
      // Conditions are or_tests, as in Python's grammar, so `if` here never starts a ternary.
      while (this.acceptName('if')) ifs.push(this.orTest());
      clauses.push({ target, iter, ifs });
    }
    return { kind, element, value, clauses, ...this.pos0(start) };
  }

  private atom(): Expr {
    const token = this.peek();
    const at = this.pos0(token);
    switch (token.kind) {
      case 'int': {
        this.pos++;
        const value = Number(token.value.replace(/^0[oO]/, '0o').replace(/^0[bB]/, '0b'));
        if (!Number.isSafeInteger(value))
          throw new AuroraLimitError(this.loc(token), `the integer ${token.value} is too large`);
        return { kind: 'int', value, ...at };
      }
      case 'float':
        this.pos++;
        return { kind: 'float', value: Number(token.value), ...at };
      case 'string':
        return this.strings();
      case 'name': {
        if (token.value === 'None' || token.value === 'True' || token.value === 'False') {
          this.pos++;
          return {
            kind: 'const',
            value: token.value === 'None' ? null : token.value === 'True',
            ...at,
          };
        }
        if (isKeyword(token.value)) {
          if (Object.hasOwn(REFUSED_STATEMENTS, token.value)) {
            throw new AuroraRefusedError(
              this.loc(token),
              REFUSED_STATEMENTS[token.value] as string,
            );
          }
          this.fail(token, `unexpected keyword '${token.value}'`);
        }
        this.checkName(token);
        this.pos++;
        return { kind: 'name', id: token.value, ...at };
      }
      case 'op':
        break;
      default:
        this.fail(token, `unexpected ${describe(token)}`);
    }
    this.enter(token);
    try {
      if (this.acceptOp('(')) {
        if (this.acceptOp(')')) return { kind: 'tuple', items: [], ...at };
        const first = this.isOp('*') ? this.starred() : this.test();
        if (this.isName('for')) {
          const comp = this.comprehension('listcomp', first, null, token);
          this.expectOp(')');
          return comp;
        }
        if (this.acceptOp(')')) return first;
        const items = [first];
        while (this.acceptOp(',')) {
          if (this.isOp(')')) break;
          items.push(this.isOp('*') ? this.starred() : this.test());
        }
        this.expectOp(')');
        return { kind: 'tuple', items, ...at };
      }
      if (this.acceptOp('[')) {
        if (this.acceptOp(']')) return { kind: 'list', items: [], ...at };
        const first = this.isOp('*') ? this.starred() : this.test();
        if (this.isName('for')) {
          const comp = this.comprehension('listcomp', first, null, token);
          this.expectOp(']');
          return comp;
        }
        const items = [first];
        while (this.acceptOp(',')) {
          if (this.isOp(']')) break;
          items.push(this.isOp('*') ? this.starred() : this.test());
        }
        this.expectOp(']');
        return { kind: 'list', items, ...at };
      }
      if (this.acceptOp('{')) {
        const entries: { key: Expr | null; value: Expr }[] = [];
        if (this.acceptOp('}')) return { kind: 'dict', entries, ...at };
        if (this.acceptOp('**')) entries.push({ key: null, value: this.orExpr() });
        else {
          const key = this.test();
          if (!this.isOp(':'))
            throw new AuroraRefusedError(this.loc(token), 'sets are not supported; use a list');
          this.expectOp(':');
          const value = this.test();
          if (this.isName('for')) {
            const comp = this.comprehension('dictcomp', key, value, token);
            this.expectOp('}');
            return comp;
          }
          entries.push({ key, value });
        }
        while (this.acceptOp(',')) {
          if (this.isOp('}')) break;
          if (this.acceptOp('**')) {
            entries.push({ key: null, value: this.orExpr() });
            continue;
          }
          const key = this.test();
          this.expectOp(':');
          entries.push({ key, value: this.test() });
        }
        this.expectOp('}');
        return { kind: 'dict', entries, ...at };
      }
      if (this.isOp('...'))
        throw new AuroraRefusedError(this.loc(token), 'Ellipsis is not supported');
      this.fail(token, `unexpected ${describe(token)}`);
    } finally {
      this.leave();
    }
  }

  /** Adjacent literals concatenate, as in Python; any f-string among them makes an f-string. */
  private strings(): Expr {
    const first = this.peek();
    const parts: (string | FormattedValue)[] = [];
    let formatted = false;
    while (this.peek().kind === 'string') {
      const token = this.next();
      if (token.fstring) {
        formatted = true;
        parts.push(
          ...this.fstringParts(token.value, {
            line: token.bodyLine ?? token.line,
            column: token.bodyColumn ?? token.column,
          }),
        );
      } else {
        parts.push(token.value);
      }
    }
    if (!formatted) return { kind: 'const', value: parts.join(''), ...this.pos0(first) };
    return { kind: 'fstring', parts, ...this.pos0(first) };
  }

  private fstringParts(
    body: string,
    origin: { line: number; column: number },
  ): (string | FormattedValue)[] {
    const base = this.offset
      ? {
          line: this.offset.line + origin.line - 1,
          column: origin.line === 1 ? this.offset.column + origin.column - 1 : origin.column,
        }
      : origin;
    const where = (index: number) => {
      const before = body.slice(0, index);
      const lines = before.split('\n');
      const line = base.line + lines.length - 1;
      const column =
        lines.length === 1 ? base.column + index : (lines[lines.length - 1] as string).length + 1;
      return { line, column };
    };
    const parts: (string | FormattedValue)[] = [];
    let text = '';
    let i = 0;
    while (i < body.length) {
      const c = body[i] as string;
      if (c === '{' && body[i + 1] === '{') {
        text += '{';
        i += 2;
        continue;
      }
      if (c === '}' && body[i + 1] === '}') {
        text += '}';
        i += 2;
        continue;
      }
      if (c === '}')
        throw new AuroraSyntaxError(
          { file: this.file, ...where(i) },
          "f-string: single '}' is not allowed",
        );
      if (c !== '{') {
        text += c;
        i++;
        continue;
      }
      if (text) parts.push(text);
      text = '';
      const { value, end } = this.fstringField(body, i + 1, where);
      parts.push(value);
      i = end;
    }
    if (text) parts.push(text);
    return parts;
  }

  private fstringField(
    body: string,
    start: number,
    where: (index: number) => { line: number; column: number },
  ): { value: FormattedValue; end: number } {
    let depth = 0;
    let i = start;
    let quote: string | null = null;
    for (; i < body.length; i++) {
      const c = body[i] as string;
      if (quote) {
        if (c === quote) quote = null;
        continue;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === ':' || (c === '!' && body[i + 1] !== '='))) break;
    }
    if (i >= body.length)
      throw new AuroraSyntaxError(
        { file: this.file, ...where(start - 1) },
        "f-string: expecting '}'",
      );
    const source = body.slice(start, i);
    if (source.trim() === '')
      throw new AuroraSyntaxError(
        { file: this.file, ...where(start) },
        'f-string: empty expression not allowed',
      );
    const origin = where(start);
    const expr = new Parser(tokenize(source, this.file), this.file, origin).standaloneExpression();
    let conversion: 's' | 'r' | null = null;
    if (body[i] === '!') {
      const c = body[i + 1];
      if (c !== 's' && c !== 'r')
        throw new AuroraSyntaxError(
          { file: this.file, ...where(i) },
          "f-string: invalid conversion character; expected 's' or 'r'",
        );
      conversion = c;
      i += 2;
    }
    let spec: (string | FormattedValue)[] = [];
    if (body[i] === ':') {
      let j = i + 1;
      let nested = 0;
      for (; j < body.length; j++) {
        if (body[j] === '{') nested++;
        else if (body[j] === '}') {
          if (nested === 0) break;
          nested--;
        }
      }
      spec = this.fstringParts(body.slice(i + 1, j), where(i + 1));
      i = j;
    }
    if (body[i] !== '}')
      throw new AuroraSyntaxError({ file: this.file, ...where(i) }, "f-string: expecting '}'");
    return { value: { expr, conversion, spec }, end: i + 1 };
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'newline':
      return 'end of line';
    case 'eof':
      return 'end of file';
    case 'indent':
      return 'an indent';
    case 'dedent':
      return 'a dedent';
    case 'string':
      return 'a string';
    default:
      return `'${token.value}'`;
  }
}
