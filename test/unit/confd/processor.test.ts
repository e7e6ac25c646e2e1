import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfd } from '../../../src/confd/confd-main.js';

interface Fixture {
  root: string;
  confdir: string;
  out: string;
}

function fixture(resources: Record<string, string>, templates: Record<string, string>): Fixture {
  const root = mkdtempSync(join(tmpdir(), 'confd-proc-'));
  const confdir = join(root, 'confdir');
  mkdirSync(join(confdir, 'conf.d'), { recursive: true });
  mkdirSync(join(confdir, 'templates'));
  mkdirSync(join(root, 'out'));
  for (const [name, text] of Object.entries(resources)) {
    mkdirSync(join(confdir, 'conf.d', name, '..'), { recursive: true });
    writeFileSync(join(confdir, 'conf.d', name), text.split('@OUT@').join(join(root, 'out')));
  }
  for (const [name, text] of Object.entries(templates)) writeFileSync(join(confdir, 'templates', name), text);
  return { root, confdir, out: join(root, 'out') };
}

async function run(f: Fixture, extra: string[], env: Record<string, string> = {}): Promise<{ status: number; log: string[] }> {
  let log = '';
  const status = await runConfd(
    ['-onetime', '-backend', 'env', '-confdir', f.confdir, '-config-file', join(f.root, 'confd.toml'), ...extra],
    {
      argv0: 'confd',
      env,
      stderr: (t) => (log += t),
      stdout: () => undefined,
      stopSignal: new Promise(() => undefined),
    },
  );
  return { status, log: log.split('\n').filter((l) => l !== '').map((l) => l.replace(/^\S+ \S+ \S+\[\d+\]: /, '')) };
}

const ENV = { MYAPP_DATABASE_URL: 'db.example.com', MYAPP_DATABASE_USER: 'rob', MYAPP_DATABASEX: 'x' };

test('env backend: variables become keys, the raw name prefix matches', async () => {
  const f = fixture(
    { 'a.toml': '[template]\nsrc = "a.tmpl"\ndest = "@OUT@/a.conf"\nkeys = ["/myapp/database"]\n' },
    { 'a.tmpl': '{{range gets "/*/*"}}{{.Key}}={{.Value}}\n{{end}}{{range gets "/*/*/*"}}{{.Key}}={{.Value}}\n{{end}}' },
  );
  try {
    const r = await run(f, [], ENV);
    assert.equal(r.status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), '/myapp/databasex=x\n/myapp/database/url=db.example.com\n/myapp/database/user=rob\n');
    assert.equal(statSync(join(f.out, 'a.conf')).mode & 0o777, 0o644);
    assert.deepEqual(r.log.slice(-2), [`INFO Target config ${f.out}/a.conf out of sync`, `INFO Target config ${f.out}/a.conf has been updated`]);
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('mode strings: "0600" octal, "644" decimal; a second run is in sync', async () => {
  const f = fixture(
    {
      'a.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/a.conf"\nmode = "0600"\n',
      'b.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/b.conf"\nmode = "644"\n',
    },
    { 't.tmpl': 'static\n' },
  );
  try {
    assert.equal((await run(f, [])).status, 0);
    assert.equal(statSync(join(f.out, 'a.conf')).mode & 0o7777, 0o600);
    assert.equal(statSync(join(f.out, 'b.conf')).mode & 0o7777, 0o204, '"644" is decimal 644 = 0o1204');
    const again = await run(f, ['-log-level', 'debug']);
    assert.ok(again.log.includes(`DEBUG Target config ${f.out}/a.conf in sync`), again.log.join('\n'));
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('a failing check_cmd leaves the old file, skips reload, removes the stage file, exits 1', async () => {
  const f = fixture(
    {
      'a.toml':
        '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/a.conf"\ncheck_cmd = "echo checking; test -f {{.src}} && false"\nreload_cmd = "touch @OUT@/reloaded"\n',
    },
    { 't.tmpl': 'new\n' },
  );
  try {
    writeFileSync(join(f.out, 'a.conf'), 'old\n');
    const r = await run(f, []);
    assert.equal(r.status, 1);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'old\n');
    assert.equal(existsSync(join(f.out, 'reloaded')), false);
    assert.deepEqual(readdirSync(f.out), ['a.conf'], 'no stage file left');
    assert.ok(r.log.includes('ERROR "checking\\n"'), r.log.join('\n'));
    assert.equal(r.log[r.log.length - 1], 'FATAL Config check failed: exit status 1');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('check_cmd is a template without confd functions; reload_cmd is not templated', async () => {
  const f = fixture(
    {
      'a.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/a.conf"\ncheck_cmd = "{{getv \\"/x\\"}}"\n',
      'b.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/b.conf"\nreload_cmd = "echo \'{{.src}}\' > @OUT@/reload.txt"\n',
    },
    { 't.tmpl': 'x\n' },
  );
  try {
    const r = await run(f, []);
    assert.equal(r.status, 1);
    assert.ok(r.log.includes('ERROR Config check failed: template: checkcmd:1: function "getv" not defined'), r.log.join('\n'));
    assert.equal(readFileSync(join(f.out, 'reload.txt'), 'utf8'), '{{.src}}\n');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('noop never writes; sync-only writes without commands; keep-stage-file keeps the stage', async () => {
  const f = fixture(
    { 'a.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/a.conf"\ncheck_cmd = "false"\nreload_cmd = "touch @OUT@/reloaded"\n' },
    { 't.tmpl': 'v={{getenv "V"}}\n' },
  );
  try {
    const noop = await run(f, ['-noop'], { V: '1' });
    assert.equal(noop.status, 0);
    assert.equal(existsSync(join(f.out, 'a.conf')), false);
    assert.ok(noop.log.includes(`WARNING Noop mode enabled. ${f.out}/a.conf will not be modified`));
    const sync = await run(f, ['-sync-only'], { V: '2' });
    assert.equal(sync.status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'v=2\n');
    assert.equal(existsSync(join(f.out, 'reloaded')), false);
    const keep = await run(f, ['-noop', '-keep-stage-file'], { V: '3' });
    const stage = readdirSync(f.out).filter((n) => /^\.a\.conf\d{9}$/.test(n));
    assert.equal(stage.length, 1);
    assert.equal(readFileSync(join(f.out, stage[0] as string), 'utf8'), 'v=3\n');
    assert.ok(keep.log.includes(`INFO Keeping staged file: ${f.out}/${stage[0]}`));
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('global prefix replaces the resource prefix; confd.toml beats flags', async () => {
  const f = fixture(
    { 'a.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/a.conf"\nprefix = "/ignored"\nkeys = ["/db"]\n' },
    { 't.tmpl': '{{getv "/db/url"}}\n' },
  );
  try {
    const env = { FROMFILE_DB_URL: 'file', FROMFLAG_DB_URL: 'flag', IGNORED_DB_URL: 'resource' };
    assert.equal((await run(f, ['-prefix', '/fromflag'], env)).status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'flag\n');
    writeFileSync(join(f.root, 'confd.toml'), 'prefix = "fromfile"\nnoop = false\n');
    assert.equal((await run(f, ['-prefix', '/fromflag'], env)).status, 0);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'file\n');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('a resource that cannot be loaded aborts the run; a failing one does not stop the others', async () => {
  const f = fixture(
    {
      'a.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/a.conf"\n',
      'b.toml': '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/b.conf"\nmode = 0644\n',
    },
    { 't.tmpl': 'x\n' },
  );
  try {
    const r = await run(f, []);
    assert.equal(r.status, 1);
    assert.equal(existsSync(join(f.out, 'a.conf')), false);
    assert.match(r.log[r.log.length - 1] as string, /^FATAL Cannot process template resource .*b\.toml - toml: cannot load TOML value of type int64 into a Go string$/);
    writeFileSync(join(f.confdir, 'conf.d', 'b.toml'), '[template]\nsrc = "bad.tmpl"\ndest = "@OUT@/b.conf"\n'.replace('@OUT@', f.out));
    writeFileSync(join(f.confdir, 'conf.d', 'c.xtoml'), '[template]\nsrc = "t.tmpl"\ndest = "@OUT@/c.conf"\n'.replace('@OUT@', f.out));
    writeFileSync(join(f.confdir, 'templates', 'bad.tmpl'), '{{getv "/missing"}}');
    const r2 = await run(f, []);
    assert.equal(r2.status, 1);
    assert.equal(readFileSync(join(f.out, 'a.conf'), 'utf8'), 'x\n');
    assert.equal(readFileSync(join(f.out, 'c.conf'), 'utf8'), 'x\n', 'the *toml glob has no dot');
    assert.equal(existsSync(join(f.out, 'b.conf')), false);
    assert.match(r2.log[r2.log.length - 1] as string, /^FATAL template: bad\.tmpl:1:2: executing "bad\.tmpl" at <getv "\/missing">: error calling getv: key does not exist: \/missing$/);
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});

test('startup problems: missing confdir, empty src, bad log level, unknown flag', async () => {
  const f = fixture({ 'a.toml': 'src = "outside the table"\n' }, {});
  try {
    const missing = await run({ ...f, confdir: join(f.root, 'nope') }, []);
    assert.equal(missing.status, 0);
    assert.ok(missing.log.includes(`WARNING Cannot load template resources: confdir '${join(f.root, 'nope')}' does not exist`));
    const empty = await run(f, []);
    assert.equal(empty.status, 1);
    assert.equal(empty.log[empty.log.length - 1], 'FATAL empty src template');
    const level = await run(f, ['-log-level', 'loud']);
    assert.equal(level.status, 1);
    assert.equal(level.log[level.log.length - 1], 'FATAL not a valid level: "loud"');
    const flag = await run(f, ['-bogus']);
    assert.equal(flag.status, 2);
    assert.equal(flag.log[0], 'flag provided but not defined: -bogus');
  } finally {
    rmSync(f.root, { recursive: true, force: true });
  }
});
