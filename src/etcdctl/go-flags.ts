/**
 * etcdctl's CLI library lets a command's own flags follow its positional arguments: before the
 * command's flags are parsed (with Go's `flag` rules, src/go/flags.ts), its arguments are reordered
 * so that the flags come first.
 */
import type { FlagDef } from '../go/flags.js';

function isDefinedFlag(defs: readonly FlagDef[], arg: string): boolean {
  if (arg === '-' || arg === '--' || !arg.startsWith('-')) return false;
  let name = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
  name = name.split('=')[0]!;
  return defs.some((f) => f.name === name || (f.aliases ?? []).includes(name));
}

/**
 * Moves a command's own flags (and the value after each) in front of its positional arguments;
 * a `--` delimiter goes first among the positional ones, where the flag parser then consumes it.
 */
export function reorderCommandArgs(defs: readonly FlagDef[], args: readonly string[]): string[] {
  const reordered: string[] = [];
  let remaining: string[] = [];
  let mayBeValue = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (mayBeValue && !isDefinedFlag(defs, arg)) {
      mayBeValue = false;
      reordered.push(arg);
    } else if (arg === '--') {
      remaining = ['--', ...remaining, ...args.slice(i + 1)];
      break;
    } else if (isDefinedFlag(defs, arg)) {
      reordered.push(arg);
      mayBeValue = !arg.includes('=');
    } else {
      remaining.push(arg);
    }
  }
  return [...reordered, ...remaining];
}
