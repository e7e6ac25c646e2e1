/**
 * The public face of the engine: a named template with a function map, parsed from text and
 * executed against data, like Go's `template.New(name).Funcs(m).Parse(text)` + `Execute`.
 */
import { BUILTINS } from './builtins.js';
import { execute } from './exec.js';
import { parseTemplate, type TreeSet } from './parser.js';
import type { GoFunc, GoValue } from './values.js';

export type FuncMap = ReadonlyMap<string, GoFunc>;

export class Template {
  private readonly trees: TreeSet = new Map();
  private readonly funcs: FuncMap;

  constructor(
    readonly name: string,
    funcs: FuncMap | Record<string, GoFunc> = new Map(),
  ) {
    this.funcs = funcs instanceof Map ? funcs : new Map(Object.entries(funcs));
  }

  /** Parses `text` (may be called again to add definitions). Throws `TemplateParseError`. */
  parse(text: string): this {
    parseTemplate(this.name, text, (f) => this.funcs.has(f) || BUILTINS.has(f), this.trees);
    return this;
  }

  /** Names of the templates defined so far (the main one and every define/block). */
  definedTemplates(): string[] {
    return [...this.trees.keys()];
  }

  /** Executes the main template (or `name`) with `data` as dot. Throws `TemplateExecError`. */
  execute(data: GoValue = undefined, name: string = this.name): string {
    return execute({ trees: this.trees, funcs: this.funcs }, name, data);
  }
}

/** Parses and executes in one step. */
export function renderTemplate(name: string, text: string, data: GoValue, funcs?: FuncMap | Record<string, GoFunc>): string {
  return new Template(name, funcs).parse(text).execute(data);
}
