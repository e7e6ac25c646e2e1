import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTemplateResource, fetchKeys, findResourceFiles, storeKey } from '../../../src/confd/template-resource.js';
import { parseModeString, fileModeString } from '../../../src/confd/file-mode.js';

const defaults = { templateDir: '/etc/confd/templates', globalPrefix: '', uid: 1000, gid: 1000 };

test('resource fields, case-insensitive keys, defaults', () => {
  const r = decodeTemplateResource(
    'x.toml',
    '[template]\nSRC = "sub/a.tmpl"\nDest = "/etc/a.conf"\nkeys = ["/a", "b/"]\nprefix = "app"\nmode = "0640"\nUid = 0\ncheck_cmd = "check {{.src}}"\nReloadCmd = "reload"\nowner = "nobody-such"\nbogus = 1\n',
    defaults,
  );
  assert.equal(r.src, '/etc/confd/templates/sub/a.tmpl');
  assert.equal(r.dest, '/etc/a.conf');
  assert.equal(r.prefix, '/app');
  assert.deepEqual(fetchKeys(r), ['/app/a', '/app/b']);
  assert.equal(r.mode, '0640');
  assert.equal(r.uid, 0);
  assert.equal(r.gid, 1000);
  assert.equal(r.checkCmd, 'check {{.src}}');
  assert.equal(r.reloadCmd, 'reload');
  assert.throws(() => decodeTemplateResource('y.toml', 'src = "a"\n', defaults), /^ResourceLoadError: empty src template$|empty src template/);
  assert.throws(() => decodeTemplateResource('y.toml', '[template]\nsrc = "a"\nmode = 0644\n', defaults), /Cannot process template resource y\.toml - toml: cannot load TOML value of type int64 into a Go string/);
  assert.throws(() => decodeTemplateResource('y.toml', '[template\n', defaults), /^ResourceLoadError: Cannot process template resource y\.toml - |Cannot process template resource y\.toml - /);
});

test('prefixes: the global one replaces the resource one; keys join and clean; store keys are re-rooted', () => {
  const r = decodeTemplateResource('x.toml', '[template]\nsrc = "a"\nprefix = "/res"\nkeys = ["sub", "/sub/", "/"]\n', { ...defaults, globalPrefix: '/global' });
  assert.equal(r.prefix, '/global');
  assert.deepEqual(fetchKeys(r), ['/global/sub', '/global/sub', '/global']);
  assert.equal(decodeTemplateResource('x.toml', '[template]\nsrc = "a"\n', defaults).prefix, '/');
  assert.equal(storeKey('/myapp', '/myapp/database/url'), '/database/url');
  assert.equal(storeKey('/', '/a/b'), '/a/b');
  assert.equal(storeKey('/app/', '/app/x'), '/x');
});

test('resource discovery: *toml anywhere under conf.d, in filepath.Walk order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confd-find-'));
  try {
    mkdirSync(join(dir, 'sub'));
    for (const f of ['b.toml', 'a.toml', 'd.xtoml', 'notatoml', 'x.toml.bak', 'sub/c.toml']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'dir.toml'));
    assert.deepEqual(findResourceFiles(dir).map((p) => p.slice(dir.length + 1)), ['a.toml', 'b.toml', 'd.xtoml', 'notatoml', 'sub/c.toml']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mode strings parse like strtoul(s, 0) and print like Go FileMode', () => {
  assert.equal(parseModeString('0644'), 0o644);
  assert.equal(parseModeString('0o644'), 0o644);
  assert.equal(parseModeString('0x1a4'), 0o644);
  assert.equal(parseModeString('644'), 644);
  assert.throws(() => parseModeString('u+x'), /strconv\.ParseUint: parsing "u\+x": invalid syntax/);
  assert.equal(fileModeString(0o100640), '-rw-r-----');
  assert.equal(fileModeString(0o100204), '--w----r--');
  assert.equal(fileModeString(0o104755), 'urwxr-xr-x');
});
