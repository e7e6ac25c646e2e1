/**
 * Executes parse trees with Go's text/template semantics: pipelines, variables and their scopes,
 * control structures, function calls with argument conversion, and Go-shaped execution errors.
 */
import { BUILTINS } from './builtins.js';
import { TemplateExecError } from './errors.js';
import { compareKeys, sprint } from './fmt.js';
import { nodeString, type AnyNode, type ArgNode, type ChainNode, type CommandNode, type FieldNode, type IdentifierNode, type Node, type NumberNode, type PipeNode, type RangeNode, type TemplateNode, type VariableNode } from './nodes.js';
import type { Tree, TreeSet } from './parser.js';
import { assignable, canBeNil, GoError, GoFunc, GoStruct, goTypeName, isTrue, nilOf, type GoValue, type ParamType } from './values.js';

const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

const BREAK: unique symbol = Symbol('break');
const CONTINUE: unique symbol = Symbol('continue');

/** Bound on nested {{template}} calls (Go allows 100000; a JavaScript stack is shallower). */
export const MAX_EXEC_DEPTH = 1000;

interface Variable {
  name: string;
  value: GoValue;
}

export interface ExecEnv {
  readonly trees: TreeSet;
  readonly funcs: ReadonlyMap<string, GoFunc>;
}

class ExecState {
  private node: AnyNode | undefined;
  vars: Variable[];

  constructor(
    private readonly env: ExecEnv,
    private readonly tree: Tree,
    private readonly name: string,
    private readonly out: string[],
    private readonly depth: number,
    data: GoValue,
  ) {
    this.vars = [{ name: '$', value: data }];
  }

  at(n: AnyNode): void {
    this.node = n;
  }

  errorf(msg: string): never {
    const name = this.name;
    if (this.node === undefined) throw new TemplateExecError(`template: ${name}: ${msg}`);
    const pos = this.node.pos;
    const before = this.tree.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? pos : pos - (nl + 1);
    let line = 1;
    for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
    let context = nodeString(this.node);
    if ([...context].length > 20) context = [...context].slice(0, 20).join('') + '...';
    throw new TemplateExecError(
      `template: ${this.tree.parseName}:${line}:${col}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`,
    );
  }

  // ---- variables ------------------------------------------------------------------------------
  private push(name: string, value: GoValue): void {
    this.vars.push({ name, value });
  }
  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: GoValue): void {
    (this.vars[this.vars.length - n] as Variable).value = value;
  }
  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i] as Variable;
      if (v.name === name) return v.value;
    }
    return this.errorf(`undefined variable: ${name}`);
  }

  // ---- walking --------------------------------------------------------------------------------
  walk(dot: GoValue, node: Node): void {
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with': {
        const mark = this.vars.length;
        try {
          const val = this.evalPipeline(dot, node.pipe);
          if (isTrue(val)) this.walk(node.kind === 'with' ? val : dot, node.list);
          else if (node.elseList) this.walk(dot, node.elseList);
        } finally {
          this.vars.length = mark;
        }
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.out.push(node.text);
        return;
      default:
        this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  private walkRange(dot: GoValue, r: RangeNode): void {
    this.at(r);
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const bodyMark = this.vars.length;
      const decl = r.pipe.decl;
      const oneIteration = (index: GoValue, elem: GoValue): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar((decl[0] as VariableNode).ident[0] as string, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar((decl[1] as VariableNode).ident[0] as string, elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = bodyMark;
        }
      };
      try {
        if (Array.isArray(val)) {
          if (val.length > 0) {
            for (let i = 0; i < val.length; i++) oneIteration(BigInt(i), val[i]);
            return;
          }
        } else if (val instanceof Map) {
          if (val.size > 0) {
            const keys = [...val.keys()].sort(compareKeys);
            for (const k of keys) oneIteration(k, val.get(k));
            return;
          }
        } else if (typeof val === 'bigint') {
          if (val > 0n) {
            for (let i = 0n; i < val; i++) oneIteration(i, i);
            return;
          }
        } else if (val !== undefined && val !== null) {
          this.errorf(`range can't iterate over ${sprint([val])}`);
        }
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t);
    const tree = this.env.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`);
    if (this.depth >= MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const sub = new ExecState(this.env, tree, t.name, this.out, this.depth + 1, newDot);
    sub.walk(newDot, tree.root);
  }

  private printValue(n: AnyNode, v: GoValue): void {
    this.at(n);
    if (v === undefined || v === null) {
      this.out.push('<no value>');
      return;
    }
    if (v instanceof GoFunc) this.errorf(`can't print ${nodeString(n)} of type ${goTypeName(v)}`);
    this.out.push(typeof v === 'string' ? v : sprint([v]));
  }

  // ---- evaluation -----------------------------------------------------------------------------
  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (value === null) value = undefined;
    }
    const result = value === MISSING ? undefined : value;
    for (const v of pipe.decl) {
      const name = v.ident[0] as string;
      if (pipe.isAssign) this.setVar(name, result);
      else this.push(name, result);
    }
    return result;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as ArgNode)}`);
    }
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0] as ArgNode;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
  }

  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    const t = n.text;
    const isHexInt = /^[+-]?0[xX]/.test(t) && !/[pP]/.test(t);
    const isRune = t.startsWith("'");
    if (n.isFloat && !isHexInt && !isRune && /[.eEpP]/.test(t)) return n.float;
    if (n.isInt) return n.int;
    if (n.isUint) this.errorf(`${t} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: readonly ArgNode[], final: Final): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: readonly ArgNode[], final: Final): GoValue {
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, undefined, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: readonly ArgNode[], final: Final): GoValue {
    this.at(v);
    const value = this.varValue(v.ident[0] as string);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    node: AnyNode,
    ident: readonly string[],
    args: readonly ArgNode[],
    final: Final,
  ): GoValue {
    const n = ident.length;
    let r = receiver;
    for (let i = 0; i < n - 1; i++) r = this.evalField(dot, ident[i] as string, node, [], MISSING, r);
    return this.evalField(dot, ident[n - 1] as string, node, args, final, r);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: AnyNode,
    args: readonly ArgNode[],
    final: Final,
    receiver: GoValue,
  ): GoValue {
    if (receiver === undefined) return undefined;
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    if (receiver instanceof GoStruct) {
      const method = receiver.methods[fieldName];
      if (method !== undefined) return this.evalCall(dot, method, false, node, fieldName, args, final);
    }
    const hasArgs = args.length > 1 || final !== MISSING;
    if (receiver instanceof GoStruct && Object.prototype.hasOwnProperty.call(receiver.fields, fieldName)) {
      if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
      return receiver.fields[fieldName];
    }
    if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      return receiver.has(fieldName) ? receiver.get(fieldName) : undefined;
    }
    return this.errorf(`can't evaluate field ${fieldName} in type ${goTypeName(receiver)}`);
  }

  private evalFunction(
    dot: GoValue,
    node: IdentifierNode,
    cmd: AnyNode,
    args: readonly ArgNode[],
    final: Final,
  ): GoValue {
    this.at(node);
    const name = node.ident;
    const own = this.env.funcs.get(name);
    const fn = own ?? BUILTINS.get(name);
    if (fn === undefined) this.errorf(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, fn, own === undefined, cmd, name, args, final);
  }

  private evalCall(
    dot: GoValue,
    fn: GoFunc,
    isBuiltin: boolean,
    node: AnyNode,
    name: string,
    args: readonly ArgNode[],
    final: Final,
  ): GoValue {
    const argNodes = args.length > 0 ? args.slice(1) : [];
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    let numFixed = argNodes.length;
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${argNodes.length}`);
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue = undefined;
      for (const a of argNodes) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++) {
      argv.push(this.evalArg(dot, fn.params[i] as ParamType, argNodes[i] as ArgNode));
    }
    if (fn.variadic !== undefined) {
      for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, fn.variadic, argNodes[i] as ArgNode));
    }
    if (final !== MISSING) {
      let t: ParamType;
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? (fn.params[numIn - 1] as ParamType) : fn.variadic;
      else t = fn.params[fn.params.length - 1] as ParamType;
      argv.push(this.validateType(final, t));
    }
    try {
      return fn.body(...argv);
    } catch (e) {
      if (e === BREAK || e === CONTINUE || e instanceof TemplateExecError) throw e;
      this.at(node);
      const msg = e instanceof GoError ? e.message : `runtime error: ${(e as Error).message ?? String(e)}`;
      return this.errorf(`error calling ${name}: ${msg}`);
    }
  }

  private validateType(value: GoValue, type: ParamType | undefined): GoValue {
    if (value === undefined || value === null) {
      if (type === undefined) return value === null ? undefined : value;
      if (canBeNil(type)) return nilOf(type);
      if (value === null) this.errorf(`cannot assign nil to ${type}`);
      this.errorf(`invalid value; expected ${type}`);
    }
    if (type === undefined || assignable(value, type)) return value;
    return this.errorf(`wrong type for value; expected ${type}; got ${goTypeName(value)}`);
  }

  private evalArg(dot: GoValue, type: ParamType | undefined, n: ArgNode): GoValue {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, type);
      case 'nil':
        if (type === undefined) return this.errorf('cannot assign nil to interface');
        if (canBeNil(type)) return nilOf(type);
        return this.errorf(`cannot assign nil to ${type}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), type);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, [], MISSING), type);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), type);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, [], MISSING), type);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), type);
    }
    switch (type) {
      case 'bool':
        if (n.kind === 'bool') return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
        if (n.kind === 'number' && n.isFloat) return n.float;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'int':
      case 'int64':
      case 'uint8':
        if (n.kind === 'number' && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case undefined:
      case 'any':
      case 'value':
        switch (n.kind) {
          case 'bool':
            return n.value;
          case 'number':
            return this.idealConstant(n);
          case 'string':
            return n.text;
        }
    }
    return this.errorf(`can't handle ${nodeString(n)} for arg of type ${type}`);
  }
}

/** Runs the template `name` from `env.trees` with `data` as dot and returns the output. */
export function execute(env: ExecEnv, name: string, data: GoValue): string {
  const tree = env.trees.get(name);
  if (tree === undefined) {
    throw new TemplateExecError(`template: ${name}: ${JSON.stringify(name)} is an incomplete or empty template`);
  }
  const out: string[] = [];
  const state = new ExecState(env, tree, name, out, 0, data);
  try {
    state.walk(data, tree.root);
  } catch (e) {
    if (e === BREAK || e === CONTINUE) throw new TemplateExecError(`template: ${name}: break or continue outside range`);
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      throw new TemplateExecError(`template: ${name}: exceeded maximum template depth`);
    }
    throw e;
  }
  return out.join('');
}
