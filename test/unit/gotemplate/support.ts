/** Shared helpers for the template engine tests. */
import { Template, type FuncMap } from '../../../src/confd/gotemplate/template.js';
import type { GoFunc, GoValue } from '../../../src/confd/gotemplate/values.js';

export function render(text: string, data?: GoValue, funcs?: FuncMap | Record<string, GoFunc>): string {
  return new Template('t.tmpl', funcs).parse(text).execute(data);
}

/** The error message a parse or execution raises, or '' when it succeeds. */
export function errorOf(text: string, data?: GoValue, funcs?: FuncMap | Record<string, GoFunc>): string {
  try {
    render(text, data, funcs);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}
