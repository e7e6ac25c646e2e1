import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBackend } from '../../../src/confd/backends/file-backend.js';
import { EnvBackend } from '../../../src/confd/backends/env-backend.js';
import { parseYaml } from '../../../src/confd/yaml-document.js';

test('YAML subset: mappings, sequences, scalars of YAML 1.1, flow collections, block scalars', () => {
  const doc = parseYaml(`# comment
a:
  b: x   # trailing comment
  n: 12
  f: 0.5
  big: 10000000000.0
  on: yes
  off: off
  nothing:
  quoted: "line\\nnext"
  single: 'it''s'
servers:
  - one
  - name: two
    port: 80
flow: [1, "two", {k: v}]
text: |
  first
  second
folded: >
  a
  b
`);
  assert.ok(doc instanceof Map);
  const a = doc.get('a') as Map<string, unknown>;
  assert.equal(a.get('b'), 'x');
  assert.equal(a.get('n'), 12);
  assert.equal(a.get('f'), 0.5);
  assert.equal(a.get('on'), true);
  assert.equal(a.get('off'), false);
  assert.equal(a.get('nothing'), null);
  assert.equal(a.get('quoted'), 'line\nnext');
  assert.equal(a.get('single'), "it's");
  assert.deepEqual(doc.get('servers'), ['one', new Map<string, unknown>([['name', 'two'], ['port', 80]])]);
  assert.deepEqual(doc.get('flow'), [1, 'two', new Map([['k', 'v']])]);
  assert.equal(doc.get('text'), 'first\nsecond\n');
  assert.equal(doc.get('folded'), 'a b\n');
});

test('file backend flattens YAML and keeps keys under the fetched prefixes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confd-file-'));
  try {
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'a.yaml'), 'myapp:\n  database:\n    url: db.example.com\n    port: 5432\n    ratio: 0.5\n    big: 10000000000.0\n    enabled: on\n    empty:\n  servers:\n    - s1\n    - s2\nother: x\n');
    writeFileSync(join(dir, 'd', 'skip.txt'), 'myapp:\n  skipped: yes\n');
    const b = new FileBackend([join(dir, 'd')], '*.yaml');
    const r = await b.getValues(['/myapp']);
    assert.deepEqual(Object.fromEntries(r.values), {
      '/myapp/database/url': 'db.example.com',
      '/myapp/database/port': '5432',
      '/myapp/database/ratio': '0.5',
      '/myapp/database/big': '10000000000',
      '/myapp/database/enabled': 'true',
      '/myapp/servers/0': 's1',
      '/myapp/servers/1': 's2',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('env backend maps keys to variable prefixes and back', async () => {
  const b = new EnvBackend({ MYAPP_DATABASE_URL: 'u', MYAPP_DATABASEX: 'x', myapp_lower: 'no', OTHER: 'o' });
  const r = await b.getValues(['/myapp/database']);
  assert.deepEqual(Object.fromEntries(r.values), { '/myapp/database/url': 'u', '/myapp/databasex': 'x' });
});

test('file backend watch: a change before the watch starts and one during it both end the watch', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confd-filewatch-'));
  try {
    const file = join(dir, 'a.yaml');
    writeFileSync(file, 'k: v1\n');
    const b = new FileBackend([file], '*');
    const first = await b.getValues(['/k']);
    assert.equal(first.values.get('/k'), 'v1');
    writeFileSync(file, 'k: v2 changed before the watch\n');
    const stop = new AbortController();
    await b.watchPrefix('/', ['/k'], first.index, stop.signal);
    const second = await b.getValues(['/k']);
    assert.notEqual(second.index, first.index);
    const pending = b.watchPrefix('/', ['/k'], second.index, stop.signal);
    writeFileSync(file, 'k: v3\n');
    await pending;
    assert.equal((await b.getValues(['/k'])).values.get('/k'), 'v3');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
