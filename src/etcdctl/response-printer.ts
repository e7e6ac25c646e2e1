/** etcdctl's output of a key response in the simple, extended and json formats, and of listings. */
import type { EtcdNode, EtcdResponse } from '../client/index.js';
import { goResponseJson } from './go-json.js';
import type { CtlIO } from './ctl-io.js';

export function printResponseKey(io: CtlIO, r: EtcdResponse, format: string): void {
  switch (format) {
    case 'simple':
      if (r.action !== 'delete') io.stdout(`${r.node.value ?? ''}\n`);
      else io.stdout(`PrevNode.Value: ${r.prevNode?.value ?? ''}\n`);
      break;
    case 'extended': {
      let s = `Key: ${r.node.key}\nCreated-Index: ${r.node.createdIndex}\nModified-Index: ${r.node.modifiedIndex}\n`;
      if (r.prevNode) s += `PrevNode.Value: ${r.prevNode.value ?? ''}\n`;
      s += `TTL: ${r.node.ttl ?? 0}\nIndex: ${r.etcdIndex}\n`;
      if (r.action !== 'delete') s += `\n${r.node.value ?? ''}\n`;
      io.stdout(s);
      break;
    }
    case 'json':
      io.stdout(goResponseJson(r) + '\n');
      break;
    default:
      io.stderr(`Unsupported output format: ${format}\n`);
  }
}

/** Lists a directory like `ls`: children (recursively when present), `/` after directories with -p. */
export function printListing(io: CtlIO, r: EtcdResponse, slashDirs: boolean): void {
  const lines: string[] = [];
  const walk = (n: EtcdNode): void => {
    lines.push(n.dir && slashDirs ? `${n.key}/` : n.key);
    for (const c of n.nodes ?? []) walk(c);
  };
  if (!r.node.dir) lines.push(r.node.key);
  for (const c of r.node.nodes ?? []) walk(c);
  io.stdout(lines.map((l) => l + '\n').join(''));
}
