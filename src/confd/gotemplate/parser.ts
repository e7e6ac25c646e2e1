/**
 * Builds parse trees from template source the way Go's text/template/parse does: one tree for the
 * main template plus one per `{{define}}` / `{{block}}`, with variables and function names checked
 * at parse time.
 */
import { TemplateParseError } from './errors.js';
import { lex, isKeyword, type Token, type TokenType } from './lexer.js';
import { classifyNumber, unquoteString } from './literals.js';
import type {
  ArgNode,
  CommandNode,
  ElseNode,
  EndNode,
  ListNode,
  Node,
  PipeNode,
  TemplateNode,
  VariableNode,
} from './nodes.js';
import { nodeString } from './nodes.js';

export interface Tree {
  readonly name: string;
  /** Name of the top-level template the source came from (used in messages). */
  readonly parseName: string;
  readonly root: ListNode;
  readonly text: string;
}

export type TreeSet = Map<string, Tree>;

/** Go's `parse.IsEmptyTree`: only whitespace text and comments. */
export function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'text':
      return n.text.trim() === '' || /^[ \t\r\n]*$/.test(n.text);
    case 'comment':
      return true;
    case 'list':
      return n.nodes.every(isEmptyTree);
    default:
      return false;
  }
}

function tokenString(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (isKeyword(t.type)) return `<${t.val}>`;
  if (t.val.length > 10) return `${JSON.stringify(t.val.slice(0, 10))}...`;
  return JSON.stringify(t.val);
}

const OPERAND_START = new Set<TokenType>([
  'bool',
  'charConstant',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
]);

class TreeParser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  private last: Token;

  constructor(
    private readonly tokens: Token[],
    private readonly parseName: string,
    private readonly text: string,
    private readonly hasFunction: (name: string) => boolean,
    private readonly treeSet: TreeSet,
  ) {
    this.last = tokens[0] as Token;
  }

  // ---- token stream -------------------------------------------------------------------------
  private next(): Token {
    const t = this.tokens[Math.min(this.i, this.tokens.length - 1)] as Token;
    this.i++;
    this.last = t;
    return t;
  }
  private peek(): Token {
    return this.tokens[Math.min(this.i, this.tokens.length - 1)] as Token;
  }
  private backup(): void {
    this.i--;
  }
  private nextNonSpace(): Token {
    let t = this.next();
    while (t.type === 'space') t = this.next();
    return t;
  }
  private peekNonSpace(): Token {
    const save = this.i;
    const t = this.nextNonSpace();
    this.i = save;
    return t;
  }

  errorf(msg: string): never {
    throw new TemplateParseError(`template: ${this.parseName}:${this.last.line}: ${msg}`);
  }
  private unexpected(t: Token, context: string): never {
    if (t.type === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${this.parseName}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${t.val}${extra}`);
    }
    this.errorf(`unexpected ${tokenString(t)} in ${context}`);
  }
  private expect(type: TokenType, context: string): Token {
    const t = this.nextNonSpace();
    if (t.type !== type) this.unexpected(t, context);
    return t;
  }

  // ---- top level ----------------------------------------------------------------------------
  parseTop(name: string): void {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'leftDelim') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().type === 'define') {
          const sub = new TreeParser(this.tokens, this.parseName, this.text, this.hasFunction, this.treeSet);
          sub.i = this.i;
          sub.last = this.last;
          sub.parseDefinition();
          this.i = sub.i;
          this.last = sub.last;
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    this.addTree(name, root);
  }

  private addTree(name: string, root: ListNode): void {
    const existing = this.treeSet.get(name);
    if (existing === undefined || isEmptyTree(existing.root)) {
      this.treeSet.set(name, { name, parseName: this.parseName, root, text: this.text });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${JSON.stringify(name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const t = this.nextNonSpace();
    if (t.type !== 'string' && t.type !== 'rawString') this.unexpected(t, context);
    const name = this.unquote(t.val);
    this.expect('rightDelim', context);
    const [root, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, root);
  }

  private unquote(quoted: string): string {
    try {
      return unquoteString(quoted);
    } catch (e) {
      return this.errorf((e as Error).message);
    }
  }

  private itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.nextNonSpace();
    return this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'text':
        return { kind: 'text', pos: t.pos, text: t.val };
      case 'leftDelim': {
        const saved = this.actionLine;
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = saved;
        }
      }
      case 'comment':
        return { kind: 'comment', pos: t.pos, text: t.val };
      default:
        return this.unexpected(t, 'input');
    }
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue': {
        const close = this.nextNonSpace();
        if (close.type !== 'rightDelim') this.unexpected(close, `{{${t.type}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${t.type}}} outside {{range}}`);
        return { kind: t.type, pos: t.pos };
      }
      case 'else': {
        const p = this.peekNonSpace();
        if (p.type === 'if' || p.type === 'with') return { kind: 'else', pos: p.pos };
        const close = this.expect('rightDelim', 'else');
        return { kind: 'else', pos: close.pos };
      }
      case 'end':
        return { kind: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
      case 'range':
      case 'with':
        return this.control(t.type, t);
      case 'template':
        return this.templateControl();
    }
    this.backup();
    const start = this.peek();
    return { kind: 'action', pos: start.pos, line: start.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  private control(context: 'if' | 'range' | 'with', t: Token): Node {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.rangeDepth++;
      const [list, first] = this.itemList();
      let next = first;
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.kind === 'else') {
        const p = this.peekNonSpace();
        if ((context === 'if' && p.type === 'if') || (context === 'with' && p.type === 'with')) {
          // `{{else if ...}}` is `{{else}}{{if ...}}...{{end}}` sharing the one {{end}}.
          const kw = this.nextNonSpace();
          elseList = { kind: 'list', pos: next.pos, nodes: [this.control(context, kw)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.kind !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { kind: context, pos: t.pos, line: t.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
    }
  }

  private templateName(t: Token, context: string): string {
    if (t.type === 'string' || t.type === 'rawString') return this.unquote(t.val);
    return this.unexpected(t, context);
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { kind: 'template', pos: t.pos, line: t.line, name, pipe };
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.templateName(t, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const sub = new TreeParser(this.tokens, this.parseName, this.text, this.hasFunction, this.treeSet);
    sub.i = this.i;
    sub.last = this.last;
    const [root, end] = sub.itemList();
    this.i = sub.i;
    this.last = sub.last;
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    sub.addTree(name, root);
    return { kind: 'template', pos: t.pos, line: t.line, name, pipe };
  }

  // ---- pipelines ----------------------------------------------------------------------------
  private pipeline(context: string, end: TokenType): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: first.pos, line: first.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const save = this.i;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.type === 'assign' || next.type === 'declare') {
        pipe.isAssign = next.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        break;
      }
      if (next.type === 'char' && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().type;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue decls;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
        pipe.cmds.slice(1).forEach((c, k) => {
          const kind = c.args[0]?.kind;
          if (kind === 'bool' || kind === 'dot' || kind === 'nil' || kind === 'number' || kind === 'string') {
            this.errorf(`non executable command in pipeline stage ${k + 2}`);
          }
        });
        return pipe;
      }
      if (OPERAND_START.has(t.type)) {
        this.backup();
        pipe.cmds.push(this.command());
        continue;
      }
      this.unexpected(t, context);
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      while (this.peek().type === 'space') this.next();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (node === undefined) return undefined;
    if (this.peek().type !== 'field') return node;
    const fields: string[] = [];
    const pos = this.peek().pos;
    while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
    switch (node.kind) {
      case 'field':
        return { kind: 'field', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'variable':
        return { kind: 'variable', pos: node.pos, ident: [...node.ident, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        return this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`);
      default:
        return { kind: 'chain', pos, node, field: fields };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.errorf(`function ${JSON.stringify(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, ident: t.val };
      case 'dot':
        return { kind: 'dot', pos: t.pos };
      case 'nil':
        return { kind: 'nil', pos: t.pos };
      case 'variable': {
        const ident = t.val.split('.');
        if (!this.vars.includes(ident[0] as string)) this.errorf(`undefined variable ${JSON.stringify(ident[0])}`);
        return { kind: 'variable', pos: t.pos, ident };
      }
      case 'field':
        return { kind: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case 'bool':
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'number':
      case 'charConstant': {
        try {
          return { kind: 'number', pos: t.pos, text: t.val, ...classifyNumber(t.val, t.type === 'charConstant') };
        } catch (e) {
          return this.errorf((e as Error).message);
        }
      }
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { kind: 'string', pos: t.pos, quoted: t.val, text: this.unquote(t.val) };
    }
    this.backup();
    return undefined;
  }
}

/**
 * Parses `text` as the template `name`, adding its trees (the main one and every define/block)
 * to `treeSet`. Throws `TemplateParseError` with Go's message.
 */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (fn: string) => boolean,
  treeSet: TreeSet,
): void {
  const tokens = lex(text);
  const staged: TreeSet = new Map(treeSet);
  const parser = new TreeParser(tokens, name, text, hasFunction, staged);
  parser.parseTop(name);
  for (const [k, v] of staged) treeSet.set(k, v);
}

export type { VariableNode };
