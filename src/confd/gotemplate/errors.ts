/** Errors a template raises, with Go's message text (`template: name:line: ...`). */

export class TemplateParseError extends Error {
  override readonly name = 'TemplateParseError';
}

export class TemplateExecError extends Error {
  override readonly name = 'TemplateExecError';
}
