/**
 * The parse tree of a Go template, and how each node prints itself back (used in error context).
 */
import type { NumberValue } from './literals.js';

interface At {
  /** Offset of the node in the template source. */
  readonly pos: number;
}

export interface TextNode extends At {
  readonly kind: 'text';
  readonly text: string;
}
export interface CommentNode extends At {
  readonly kind: 'comment';
  readonly text: string;
}
export interface ActionNode extends At {
  readonly kind: 'action';
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface BreakNode extends At {
  readonly kind: 'break';
}
export interface ContinueNode extends At {
  readonly kind: 'continue';
}
export interface ListNode extends At {
  readonly kind: 'list';
  readonly nodes: Node[];
}
export interface BranchNode extends At {
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | undefined;
}
export interface IfNode extends BranchNode {
  readonly kind: 'if';
}
export interface RangeNode extends BranchNode {
  readonly kind: 'range';
}
export interface WithNode extends BranchNode {
  readonly kind: 'with';
}
export interface TemplateNode extends At {
  readonly kind: 'template';
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | undefined;
}
/** Markers returned by the parser for `{{end}}` and `{{else}}`; never part of a finished tree. */
export interface EndNode extends At {
  readonly kind: 'end';
}
export interface ElseNode extends At {
  readonly kind: 'else';
}

export type Node =
  | TextNode
  | CommentNode
  | ActionNode
  | BreakNode
  | ContinueNode
  | ListNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | EndNode
  | ElseNode;

export interface VariableNode extends At {
  readonly kind: 'variable';
  /** `$x.a.b` → ['$x', 'a', 'b'] */
  readonly ident: string[];
}
export interface PipeNode extends At {
  readonly kind: 'pipe';
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends At {
  readonly kind: 'command';
  readonly args: ArgNode[];
}
export interface IdentifierNode extends At {
  readonly kind: 'identifier';
  readonly ident: string;
}
export interface DotNode extends At {
  readonly kind: 'dot';
}
export interface NilNode extends At {
  readonly kind: 'nil';
}
export interface FieldNode extends At {
  readonly kind: 'field';
  /** `.a.b` → ['a', 'b'] */
  readonly ident: string[];
}
export interface ChainNode extends At {
  readonly kind: 'chain';
  readonly node: ArgNode;
  readonly field: string[];
}
export interface BoolNode extends At {
  readonly kind: 'bool';
  readonly value: boolean;
}
export interface NumberNode extends At, NumberValue {
  readonly kind: 'number';
  readonly text: string;
}
export interface StringNode extends At {
  readonly kind: 'string';
  readonly quoted: string;
  readonly text: string;
}

export type ArgNode =
  | VariableNode
  | PipeNode
  | IdentifierNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode;

export type AnyNode = Node | ArgNode | CommandNode;

/** Go's `Node.String()`. */
export function nodeString(n: AnyNode): string {
  switch (n.kind) {
    case 'text':
      return JSON.stringify(n.text);
    case 'comment':
      return `{{${n.text}}}`;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'if':
    case 'range':
    case 'with': {
      let s = `{{${n.kind} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case 'template':
      return n.pipe
        ? `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`
        : `{{template ${JSON.stringify(n.name)}}}`;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'variable':
      return n.ident.join('.');
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((f) => '.' + f).join('');
    case 'chain': {
      const inner = n.node.kind === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => '.' + f).join('');
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
  }
}
