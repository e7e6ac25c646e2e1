/** User and group names to numeric ids, from /etc/passwd and /etc/group (for `owner` / `group`). */
import { readFileSync } from 'node:fs';

function lookup(file: string, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (/^\d+$/.test(name)) return Number(name);
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return undefined;
}

export function lookupUserId(name: string): number | undefined {
  return lookup('/etc/passwd', name);
}

export function lookupGroupId(name: string): number | undefined {
  return lookup('/etc/group', name);
}
