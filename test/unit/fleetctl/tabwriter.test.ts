import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabWriter, tabwriterFormat } from '../../../src/go/tabwriter.js';

test('list-unit-files table: columns padded with tabs to multiples of 8', () => {
  const out = tabwriterFormat(
    'UNIT\tHASH\tDSTATE\tSTATE\tTARGET\nhello.service\te55c0ae\tlaunched\tlaunched\t113f16a7.../172.17.8.103\n',
  );
  assert.equal(
    out,
    'UNIT\t\tHASH\tDSTATE\t\tSTATE\t\tTARGET\nhello.service\te55c0ae\tlaunched\tlaunched\t113f16a7.../172.17.8.103\n',
  );
});

test('a header alone keeps single tabs', () => {
  assert.equal(tabwriterFormat('UNIT\tMACHINE\tACTIVE\tSUB\n'), 'UNIT\tMACHINE\tACTIVE\tSUB\n');
  assert.equal(tabwriterFormat('UNIT\tHASH\tDSTATE\tSTATE\tTARGET\n'), 'UNIT\tHASH\tDSTATE\tSTATE\tTARGET\n');
});

test('a cell of exactly 7 runes needs one tab, of 8 runes two', () => {
  assert.equal(tabwriterFormat('1234567\tx\nab\ty\n'), '1234567\tx\nab\ty\n');
  assert.equal(tabwriterFormat('12345678\tx\nab\ty\n'), '12345678\tx\nab\t\ty\n');
});

test('widths count runes, not bytes', () => {
  assert.equal(tabwriterFormat('ééééééé\tx\nab\ty\n'), 'ééééééé\tx\nab\ty\n');
});

test('list-machines example from the fleet docs', () => {
  assert.equal(
    tabwriterFormat('MACHINE\tIP\tMETADATA\n148a18ff...\t10.10.1.1\tregion=us-west\n491586a6...\t10.10.1.2\tregion=us-east\n'),
    'MACHINE\t\tIP\t\tMETADATA\n148a18ff...\t10.10.1.1\tregion=us-west\n491586a6...\t10.10.1.2\tregion=us-east\n',
  );
});

test('column blocks end at a line without that column', () => {
  // The line "COMMANDS:" has no tab: the blocks above and below it are sized separately.
  const text = 'NAME:\n\tfleetctl - x\n\nCOMMANDS:\n\tcat\tOutput\n\tlist-unit-files\tList\n';
  assert.equal(tabwriterFormat(text), 'NAME:\n\tfleetctl - x\n\nCOMMANDS:\n\tcat\t\tOutput\n\tlist-unit-files\tList\n');
});

test('text without a final newline is kept, and lines flush as soon as they cannot change', () => {
  const chunks: string[] = [];
  const w = new TabWriter((t) => chunks.push(t));
  w.write('single line\n');
  assert.deepEqual(chunks, ['single line\n']);
  w.write('a\tb\n');
  assert.deepEqual(chunks, ['single line\n']);
  w.write('tail');
  w.flush();
  assert.deepEqual(chunks, ['single line\n', 'a\tb\ntail']);
});

test('empty cells are padded like others', () => {
  assert.equal(tabwriterFormat('\tx\n\ty\n'), '\tx\n\ty\n');
  assert.equal(tabwriterFormat('a\t\tb\nlonger-than-8\t\tc\n'), 'a\t\t\tb\nlonger-than-8\t\tc\n');
});
