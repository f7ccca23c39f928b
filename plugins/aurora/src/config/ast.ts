/** The syntax tree of the configuration subset; every node knows where it was written. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type Expr =
  | (Pos & { kind: 'name'; id: string })
  | (Pos & { kind: 'const'; value: null | boolean | string })
  | (Pos & { kind: 'int'; value: number })
  | (Pos & { kind: 'float'; value: number })
  | (Pos & { kind: 'fstring'; parts: (string | FormattedValue)[] })
  | (Pos & { kind: 'list' | 'tuple'; items: Expr[] })
  | (Pos & { kind: 'dict'; entries: { key: Expr | null; value: Expr }[] })
  | (Pos & { kind: 'starred'; value: Expr })
  | (Pos & { kind: 'attr'; object: Expr; attr: string })
  | (Pos & { kind: 'index'; object: Expr; index: Expr })
  | (Pos & { kind: 'slice'; lower: Expr | null; upper: Expr | null; step: Expr | null })
  | (Pos & { kind: 'call'; callee: Expr; args: Arg[] })
  | (Pos & { kind: 'unary'; op: '-' | '+' | 'not'; operand: Expr })
  | (Pos & { kind: 'binary'; op: string; left: Expr; right: Expr })
  | (Pos & { kind: 'bool'; op: 'and' | 'or'; left: Expr; right: Expr })
  | (Pos & { kind: 'compare'; first: Expr; rest: { op: string; right: Expr }[] })
  | (Pos & { kind: 'ifexp'; test: Expr; body: Expr; orelse: Expr })
  | (Pos & { kind: 'lambda'; params: Param[]; body: Expr })
  | (Pos & {
      kind: 'listcomp' | 'dictcomp';
      element: Expr;
      value: Expr | null;
      clauses: CompClause[];
    });

export interface FormattedValue {
  readonly expr: Expr;
  readonly conversion: 's' | 'r' | null;
  readonly spec: (string | FormattedValue)[];
}

export interface CompClause {
  readonly target: Expr;
  readonly iter: Expr;
  readonly ifs: Expr[];
}

export type Arg =
  | { kind: 'positional'; value: Expr }
  | { kind: 'keyword'; name: string; value: Expr }
  | { kind: 'star'; value: Expr }
  | { kind: 'starstar'; value: Expr };

export interface Param {
  readonly name: string;
  readonly kind: 'plain' | 'star' | 'starstar';
  readonly default: Expr | null;
}

export type Stmt =
  | (Pos & { kind: 'expr'; value: Expr })
  | (Pos & { kind: 'assign'; targets: Expr[]; value: Expr })
  | (Pos & { kind: 'augassign'; target: Expr; op: string; value: Expr })
  | (Pos & { kind: 'import'; modules: { name: string; alias: string | null }[] })
  | (Pos & { kind: 'from'; module: string; names: { name: string; alias: string | null }[] | '*' })
  | (Pos & { kind: 'def'; name: string; params: Param[]; body: Stmt[] })
  | (Pos & { kind: 'class'; name: string; bases: Expr[]; body: Stmt[] })
  | (Pos & { kind: 'return'; value: Expr | null })
  | (Pos & { kind: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Pos & { kind: 'for'; target: Expr; iter: Expr; body: Stmt[]; orelse: Stmt[] })
  | (Pos & { kind: 'pass' | 'break' | 'continue' });
