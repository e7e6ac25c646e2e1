import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemKV } from '../../../src/confd/memkv.js';
import { sprint } from '../../../src/confd/gotemplate/fmt.js';
import { GoError } from '../../../src/confd/gotemplate/values.js';

function store(keys: Record<string, string>): MemKV {
  const s = new MemKV();
  s.replaceAll(Object.entries(keys));
  return s;
}

const lsKeys = {
  '/top': 't', '/svc/web/cust1/1': 'a', '/svc/web/cust1/2': 'b', '/svc/web/cust2/1': 'c', '/svc/web/plainkey': 'p',
  '/svc/web/cust3/deep/x': 'd', '/svc/db': 'dbv', '/svc/web2/z': 'w2',
};

test('get, getv with defaults, exists', () => {
  const s = store({ '/a': '1', '/empty': '' });
  assert.equal(sprint([s.get('/a')]), '{/a 1}');
  assert.throws(() => s.get('/x'), (e: unknown) => e instanceof GoError && e.message === 'key does not exist: /x');
  assert.equal(s.getValue('/x', ['d1', 'd2']), 'd1');
  assert.equal(s.getValue('/empty', ['d']), '', 'an existing empty value wins over the default');
  assert.equal(s.exists('/a'), true);
  assert.equal(s.exists('/x'), false);
});

test('gets sorts by key, getvs sorts by value', () => {
  const s = store({ '/h/b': '10.0.0.9:9200', '/h/a': '10.0.0.10:9200', '/h/c': '10.0.0.1:9200', '/h/d': 'b-host', '/h/e': 'A-host' });
  assert.equal(sprint([s.getAll('/h/*').map((kv) => (kv as { fields: Record<string, string> }).fields['Key'])]), '[/h/a /h/b /h/c /h/d /h/e]');
  assert.equal(sprint([s.getAllValues('/h/*')]), '[10.0.0.10:9200 10.0.0.1:9200 10.0.0.9:9200 A-host b-host]');
  assert.equal(s.getAll('/none/*').length, 0);
  assert.throws(() => s.getAll('/h/['), /syntax error in pattern/);
  assert.equal(new MemKV().getAll('/h/[').length, 0, 'no error on an empty store');
});

test('ls and lsdir reproduce memkv, quirks included', () => {
  const s = store(lsKeys);
  const ls = (p: string) => sprint([s.list(p)]);
  const lsdir = (p: string) => sprint([s.listDir(p)]);
  assert.equal(ls('/svc/web'), '[cust1 cust2 cust3 plainkey]');
  assert.equal(ls('/svc/web/'), '[cust1 cust2 cust3 plainkey]');
  assert.equal(lsdir('/svc/web'), '[cust1 cust2 cust3]');
  assert.equal(ls('/svc'), '[db web web2]');
  assert.equal(lsdir('/svc'), '[web web2]');
  assert.equal(ls('/svc/db'), '[db]');
  assert.equal(lsdir('/svc/db'), '[]');
  assert.equal(ls('/sv'), '[]');
  assert.equal(ls('/missing'), '[]');
  assert.equal(ls('/'), '[top]');
  assert.equal(lsdir('/'), '[]');
});
