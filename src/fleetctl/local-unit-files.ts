/**
 * Unit files on the local disk as fleetctl finds them: the argument as a path (with `.service`
 * appended when it has no known unit suffix), and for an instance name the template file
 * `<dir of the argument>/<prefix>@.service`. Errors are worded as Go's os package words them.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseUnitFileBytes, UnitFileError, type UnitOption } from '../fleet/unit/unit-file.js';
import { mangleUnitName } from '../fleet/unit/unit-name.js';

/** Go's path.Base. */
export function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's path.Dir. */
export function goDir(p: string): string {
  const i = p.lastIndexOf('/');
  const dir = i < 0 ? '.' : p.slice(0, i + 1);
  return path.posix.normalize(dir).replace(/(.)\/$/, '$1');
}

/** Go's path.Join of a directory and a file name. */
export function goJoin(dir: string, file: string): string {
  return path.posix.normalize(`${dir}/${file}`);
}

/** fleetctl's maybeAppendDefaultUnitType on the whole argument: `dir/noext` → `dir/noext.service`. */
export function withDefaultUnitType(arg: string): string {
  const base = goBase(arg);
  const mangled = mangleUnitName(base);
  return mangled.startsWith(base) && mangled.length > base.length ? `${arg}${mangled.slice(base.length)}` : arg;
}

function osErrorText(err: unknown, op: string, file: string): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
  const reason: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    ENOTDIR: 'not a directory',
    EISDIR: 'is a directory',
    ELOOP: 'too many levels of symbolic links',
    ENAMETOOLONG: 'file name too long',
  };
  if (code !== undefined && reason[code] !== undefined) return `${code === 'EISDIR' ? 'read' : op} ${file}: ${reason[code]}`;
  return err instanceof Error ? err.message : String(err);
}

/** Like `!os.IsNotExist(os.Stat(file))`: true unless the file is known not to exist. */
export async function fileMayExist(cwd: string, file: string): Promise<boolean> {
  try {
    await stat(path.resolve(cwd, file));
    return true;
  } catch (err) {
    return (err as { code?: string }).code !== 'ENOENT';
  }
}

/** Whether os.Stat succeeds. */
export async function fileExists(cwd: string, file: string): Promise<boolean> {
  try {
    await stat(path.resolve(cwd, file));
    return true;
  } catch {
    return false;
  }
}

/** fleetctl's getUnitFromFile: the file's options; throws Error with the os or parser message. */
export async function readUnitFile(cwd: string, file: string): Promise<UnitOption[]> {
  let data: Buffer;
  try {
    data = await readFile(path.resolve(cwd, file));
  } catch (err) {
    throw new Error(osErrorText(err, 'open', file));
  }
  try {
    return parseUnitFileBytes(data);
  } catch (err) {
    if (err instanceof UnitFileError) throw new Error(err.message);
    throw err;
  }
}
