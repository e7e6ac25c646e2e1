import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemKV } from '../../../src/confd/memkv.js';
import { confdFunctions, type FunctionHost } from '../../../src/confd/template-functions.js';
import { Template } from '../../../src/confd/gotemplate/template.js';

const host: FunctionHost = {
  getenv: (n) => ({ HOME_DIR: '/home/x', EMPTY: '' } as Record<string, string>)[n],
  now: () => ({ epochNs: 1_764_072_309_123_456_789n, offsetSeconds: 0, zone: 'UTC', monotonicNs: 7_769_557n }),
  lookupIP: (h) => {
    if (h === 'multi.test') return ['10.0.0.2', '::1', '10.0.0.10'];
    throw new Error('no such host');
  },
  lookupSRV: () => [
    { target: 'b.example.', port: 80, priority: 1, weight: 1 },
    { target: 'a.example.', port: 8080, priority: 2, weight: 5 },
  ],
  fileExists: (p) => p === '/exists',
};

function render(text: string, keys: Record<string, string> = {}): string {
  const s = new MemKV();
  s.replaceAll(Object.entries(keys));
  return new Template('t.tmpl', confdFunctions(s, host)).parse(text).execute();
}
function errorOf(text: string, keys: Record<string, string> = {}): string {
  try {
    render(text, keys);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

test('store functions in templates', () => {
  const keys = { '/app/a': '1', '/app/b': '2', '/app/sub/c': '3' };
  assert.equal(render('{{getv "/app/a"}} {{getv "/nope" "dflt"}} {{exists "/app/a"}} {{get "/app/b"}}', keys), '1 dflt true {/app/b 2}');
  assert.equal(render('{{range gets "/app/*"}}{{.Key}}={{.Value}} {{end}}', keys), '/app/a=1 /app/b=2 ');
  assert.equal(render('{{getvs "/app/*"}} {{ls "/app"}} {{lsdir "/app"}}', keys), '[1 2] [a b sub] [sub]');
  assert.equal(errorOf('{{getv "/nope"}}', keys), 'template: t.tmpl:1:2: executing "t.tmpl" at <getv "/nope">: error calling getv: key does not exist: /nope');
});

test('path and string functions', () => {
  assert.equal(render('{{base "/a/b/c.txt"}} {{dir "/a/b/c.txt"}} {{base "/a/b/"}} {{dir "/a/b/"}} {{base ""}} {{dir "rel"}} {{base "/"}}'), 'c.txt /a/b b /a/b . . /');
  assert.equal(render('{{split "a,b,,c" ","}} {{len (split "" ",")}} {{split "hé" ""}} {{join (split "x y z" " ") "-"}}'), '[a b  c] 1 [h é] x-y-z');
  assert.equal(render('{{toUpper "héllo"}} {{toLower "HÉLLO"}} {{contains "abc" "b"}} {{trimSuffix "app.conf" ".conf"}} {{trimSuffix "x" ".y"}}'), 'HÉLLO héllo true app x');
  assert.equal(render('{{replace "a-b-c" "-" "_" -1}} {{replace "a-b-c" "-" "_" 1}} {{replace "ab" "" "." -1}}'), 'a_b_c a_b-c .a.b.');
  assert.equal(render('{{base64Encode "Hello World"}} {{base64Decode "aGVsbG8gd29ybGQ="}}'), 'SGVsbG8gV29ybGQ= hello world');
  assert.match(errorOf('{{base64Decode "!!!!"}}'), /error calling base64Decode: illegal base64 data at input byte 0$/);
  assert.match(errorOf('{{base64Decode "aGVsbG8"}}'), /illegal base64 data at input byte 4$/);
});

test('parseBool, atoi and integer arithmetic', () => {
  assert.equal(render('{{parseBool "T"}} {{parseBool "0"}} {{atoi "+12"}} {{atoi "007"}}'), 'true false 12 7');
  assert.match(errorOf('{{parseBool "yes"}}'), /error calling parseBool: strconv.ParseBool: parsing "yes": invalid syntax$/);
  assert.match(errorOf('{{atoi "x1"}}'), /strconv.Atoi: parsing "x1": invalid syntax$/);
  assert.match(errorOf('{{atoi "99999999999999999999"}}'), /value out of range$/);
  assert.equal(render('{{add 1 2}} {{sub 1 2}} {{mul 3 4}} {{div -7 2}} {{mod -7 3}} {{"5" | atoi | add 10 | mul 2}}'), '3 -1 12 -3 -1 30');
  assert.match(errorOf('{{div 1 0}}'), /error calling div: runtime error: integer divide by zero$/);
  assert.match(errorOf('{{add "1" 2}}'), /^template: t.tmpl:1:6: executing "t.tmpl" at <"1">: expected integer; found "1"$/);
  assert.match(errorOf('{{$d := json "{\\"p\\":1}"}}{{add $d.p 1}}'), /wrong type for value; expected int; got float64/);
  assert.equal(render('{{seq 1 3}} {{seq 3 1}}'), '[1 2 3] []');
});

test('json and jsonArray: float64 numbers, nil, Go error messages', () => {
  const data = '{"port":8080,"big":1000000,"tiny":0.00001,"n":null,"tags":["b","a"],"m":{"z":1,"a":2}}';
  assert.equal(render(`{{$d := json (getv "/d")}}{{$d.port}} {{$d.big}} {{$d.tiny}} {{$d.n}} {{$d.tags}} {{$d.m}} {{printf "%d" $d.port}} {{eq $d.port 8080.0}}`, { '/d': data }),
    '8080 1e+06 1e-05 <no value> [b a] map[a:2 z:1] %!d(float64=8080) true');
  assert.equal(render('{{json "null"}} {{jsonArray "null"}} {{jsonArray "[1,\\"x\\",null]"}}'), 'map[] [] [1 x <nil>]');
  assert.match(errorOf('{{json "nope"}}'), /error calling json: invalid character 'o' in literal null \(expecting 'u'\)$/);
  assert.match(errorOf('{{json "[1]"}}'), /json: cannot unmarshal array into Go value of type map\[string\]interface \{\}$/);
  assert.match(errorOf('{{json "{\\"a\\":1"}}'), /unexpected end of JSON input$/);
});

test('map, getenv, reverse, sortByLength, sortKVByLength', () => {
  assert.equal(render('{{$m := map "port" 9200 "host" "h"}}{{$m.port}} {{$m.host}} {{printf "%T" $m.port}}'), '9200 h int');
  assert.match(errorOf('{{map "a"}}'), /invalid map call$/);
  assert.match(errorOf('{{map 1 2}}'), /map keys must be strings$/);
  assert.equal(render('{{getenv "HOME_DIR"}}|{{getenv "EMPTY" "d"}}|{{getenv "UNSET"}}|{{getenv "UNSET" "x" "y"}}'), '/home/x|d||x');
  const keys = { '/k/aaa': '1', '/k/b': '2', '/k/cc': '3' };
  assert.equal(render('{{range reverse (gets "/k/*")}}{{.Key}} {{end}}', keys), '/k/aaa /k/b /k/cc ', 'reverse leaves KVPairs alone');
  assert.equal(render('{{reverse (getvs "/k/*")}} {{reverse (ls "/k")}}', keys), '[3 2 1] [cc b aaa]');
  assert.equal(render('{{range sortKVByLength (gets "/k/*")}}{{.Key}} {{end}}', keys), '/k/b /k/cc /k/aaa ');
  assert.equal(render('{{range reverse (sortKVByLength (gets "/k/*"))}}{{.Key}} {{end}}', keys), '/k/aaa /k/cc /k/b ');
  assert.equal(render('{{sortByLength (split "ccc,a,bb,d" ",")}}'), '[a d bb ccc]');
  assert.match(errorOf('{{join (jsonArray "[\\"a\\"]") ","}}'), /wrong type for value; expected \[\]string; got \[\]interface \{\}/);
});

test('datetime, lookups, fileExists', () => {
  assert.equal(render('{{datetime}}'), '2025-11-25 12:05:09.123456789 +0000 UTC m=+0.007769557');
  assert.equal(render('{{datetime.Format "Jan 2, 2006 at 3:04pm (MST)"}} {{datetime.Unix}} {{datetime.UTC}}'), 'Nov 25, 2025 at 12:05pm (UTC) 1764072309 2025-11-25 12:05:09.123456789 +0000 UTC');
  assert.equal(render('{{datetime.Format "2006-01-02T15:04:05.000Z07:00 Monday _2 002"}}'), '2025-11-25T12:05:09.123Z Tuesday 25 329');
  assert.equal(render('{{lookupIP "multi.test"}} {{lookupIPV4 "multi.test"}} {{lookupIPV6 "multi.test"}} {{lookupIP "bad.test"}}'), '[10.0.0.10 10.0.0.2 ::1] [10.0.0.10 10.0.0.2] [::1] []');
  assert.equal(render('{{range lookupSRV "x" "tcp" "d"}}{{.Target}}:{{.Port}} {{end}}'), 'a.example.:8080 b.example.:80 ');
  assert.equal(render('{{fileExists "/exists"}} {{fileExists "/nope"}}'), 'true false');
});
