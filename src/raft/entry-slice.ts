import { entrySize, type Entry } from './messages.js';

/** The longest prefix of `ents` whose total size stays within `maxSize` (always at least one entry). */
export function limitSize(ents: Entry[], maxSize: number): Entry[] {
  if (ents.length <= 1 || maxSize === Infinity) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!);
    if (size > maxSize) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}
