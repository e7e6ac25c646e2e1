import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { WalEntry } from '../../../src/wal/types.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

/** A fresh directory path (not yet created) for a log, removed when the test file ends. */
export function freshWalDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-wal-'));
  roots.push(root);
  return path.join(root, 'wal');
}

export function entry(index: number, term: number, text = `entry ${index}`): WalEntry {
  return { index, term, type: 0, data: new TextEncoder().encode(text) };
}

export function entries(from: number, to: number, term: number): WalEntry[] {
  const list: WalEntry[] = [];
  for (let i = from; i <= to; i++) list.push(entry(i, term));
  return list;
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}

export const METADATA = new TextEncoder().encode('member=8e9e05c52164694d cluster=cdf818194e3a8c32');

/** Test segments: small, so a few hundred entries span several files. */
export const SMALL_SEGMENT = 4096;
