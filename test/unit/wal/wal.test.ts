import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Wal } from '../../../src/wal/wal.js';
import { WalError } from '../../../src/wal/errors.js';
import { METADATA, entries, entry, freshWalDir, text } from './wal-helpers.js';

const ZERO = { index: 0, term: 0 };

test('create writes one preallocated segment and open reads back metadata, state and entries', async () => {
  const dir = freshWalDir();
  assert.equal(Wal.exists(dir), false);
  const wal = await Wal.create(dir, METADATA, { segmentSize: 64 * 1024 });
  assert.equal(Wal.exists(dir), true);
  assert.deepEqual(wal.segmentNames, ['0000000000000000-0000000000000000.wal']);
  assert.equal(fs.statSync(`${dir}/0000000000000000-0000000000000000.wal`).size, 64 * 1024);
  await wal.save({ term: 1, vote: 0x8e9e05c52164694dn, commit: 0 }, entries(1, 3, 1));
  await wal.save({ term: 1, vote: 0x8e9e05c52164694dn, commit: 3 }, []);
  await wal.close();

  const opened = await Wal.open(dir, ZERO, { segmentSize: 64 * 1024 });
  assert.deepEqual([...opened.metadata], [...METADATA]);
  assert.deepEqual(opened.hardState, { term: 1, vote: 0x8e9e05c52164694dn, commit: 3 });
  assert.deepEqual(opened.entries.map((e) => [e.index, e.term, text(e.data)]), [
    [1, 1, 'entry 1'],
    [2, 1, 'entry 2'],
    [3, 1, 'entry 3'],
  ]);
  await opened.wal.close();
});

test('a new log has an empty hard state and no entries', async () => {
  const dir = freshWalDir();
  await (await Wal.create(dir, METADATA, { segmentSize: 8192 })).close();
  const opened = await Wal.open(dir, ZERO, { segmentSize: 8192 });
  assert.deepEqual(opened.hardState, { term: 0, vote: 0n, commit: 0 });
  assert.deepEqual(opened.entries, []);
  await opened.wal.close();
});

test('create refuses a directory that already holds a log', async () => {
  const dir = freshWalDir();
  await (await Wal.create(dir, METADATA, { segmentSize: 8192 })).close();
  await assert.rejects(Wal.create(dir, METADATA), (err: unknown) => err instanceof WalError && err.code === 'WAL_EXISTS');
});

test('reopen and append: entries from every session come back in order', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 16 * 1024 });
  await wal.save({ term: 1, vote: 1n, commit: 1 }, entries(1, 5, 1));
  await wal.close();
  for (let session = 0; session < 3; session++) {
    const opened = await Wal.open(dir, ZERO, { segmentSize: 16 * 1024 });
    const last = opened.entries.at(-1)!.index;
    await opened.wal.save({ term: 2, vote: 1n, commit: last }, entries(last + 1, last + 5, 2));
    await opened.wal.close();
  }
  const final = await Wal.open(dir, ZERO, { segmentSize: 16 * 1024 });
  assert.deepEqual(final.entries.map((e) => e.index), entries(1, 20, 0).map((e) => e.index));
  assert.deepEqual(final.hardState, { term: 2, vote: 1n, commit: 15 });
  await final.wal.close();
});

test('a rewritten index replaces the tail of the log (Raft truncation)', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 16 * 1024 });
  await wal.save(null, entries(1, 5, 1));
  await wal.save(null, [entry(3, 2, 'new 3'), entry(4, 2, 'new 4')]);
  await wal.save(null, [entry(5, 2, 'new 5')]);
  await wal.save(null, [entry(5, 3, 'newer 5')]);
  await wal.close();
  const opened = await Wal.open(dir, ZERO, { segmentSize: 16 * 1024 });
  assert.deepEqual(opened.entries.map((e) => [e.index, e.term, text(e.data)]), [
    [1, 1, 'entry 1'],
    [2, 1, 'entry 2'],
    [3, 2, 'new 3'],
    [4, 2, 'new 4'],
    [5, 3, 'newer 5'],
  ]);
  await opened.wal.close();
});

test('an entry that skips indexes makes open fail', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 8192 });
  await wal.save(null, [entry(1, 1), entry(2, 1)]);
  await wal.save(null, [entry(5, 1)]); // only indexes within one save are checked as they are written
  await wal.close();
  await assert.rejects(Wal.open(dir, ZERO), /gap/);
});

test('open from a snapshot marker returns only later entries and checks the term', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 16 * 1024 });
  await wal.save({ term: 2, vote: 0n, commit: 8 }, entries(1, 10, 2));
  await wal.saveSnapshot({ index: 5, term: 2 });
  await wal.save(null, [entry(11, 2)]);
  await wal.close();

  const fromSnapshot = await Wal.open(dir, { index: 5, term: 2 }, { segmentSize: 16 * 1024 });
  assert.deepEqual(fromSnapshot.entries.map((e) => e.index), [6, 7, 8, 9, 10, 11]);
  assert.deepEqual(fromSnapshot.hardState, { term: 2, vote: 0n, commit: 8 });
  await fromSnapshot.wal.close();

  await assert.rejects(Wal.open(dir, { index: 5, term: 1 }), (err: unknown) => err instanceof WalError && err.code === 'WAL_SNAPSHOT_MISMATCH');
  await assert.rejects(Wal.open(dir, { index: 7, term: 2 }), (err: unknown) => err instanceof WalError && err.code === 'WAL_SNAPSHOT_NOT_FOUND');
});

test('save copies entry data at once and refuses bad values without poisoning the batch', async () => {
  const dir = freshWalDir();
  const wal = await Wal.create(dir, METADATA, { segmentSize: 8192 });
  const data = new TextEncoder().encode('before');
  const saved = wal.save(null, [{ index: 1, term: 1, type: 0, data }]);
  data.set(new TextEncoder().encode('AFTER!'));
  const bad = assert.rejects(wal.save(null, [entry(2, 1), { index: -3, term: 1, type: 0, data }]), RangeError);
  const good = wal.save(null, [entry(2, 1)]);
  await saved;
  await bad;
  await good;
  assert.deepEqual(await wal.save(null, []), undefined);
  await wal.close();
  await assert.rejects(wal.save(null, [entry(3, 1)]), (err: unknown) => err instanceof WalError && err.code === 'WAL_CLOSED');
  const opened = await Wal.open(dir, ZERO, { segmentSize: 8192 });
  assert.deepEqual(opened.entries.map((e) => [e.index, text(e.data)]), [
    [1, 'before'],
    [2, 'entry 2'],
  ]);
  await opened.wal.close();
});

test('open of a missing directory fails with WAL_NOT_FOUND', async () => {
  await assert.rejects(Wal.open(freshWalDir(), ZERO), (err: unknown) => err instanceof WalError && err.code === 'WAL_NOT_FOUND');
});
