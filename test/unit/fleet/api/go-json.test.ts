import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { decodeGoJson } from '../../../../src/fleet/api/go-json-decode.js';
import { planMetadataPatch } from '../../../../src/fleet/api/machine-metadata-patch.js';
import { decodeUnitBody } from '../../../../src/fleet/api/unit-body.js';

const bytes = (s: string | number[]): Uint8Array => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Uint8Array.from(s));

function syntaxError(input: string | number[]): string {
  const r = decodeGoJson(bytes(input));
  assert.equal(r.ok, false, `expected an error for ${JSON.stringify(input)}`);
  return r.ok ? '' : r.error;
}

describe("Go's json.Decoder syntax errors", () => {
  const cases: [string | number[], string][] = [
    ['', 'EOF'],
    [' \n\t', 'EOF'],
    ['{', 'unexpected EOF'],
    ['{"name":"a"', 'unexpected EOF'],
    ['tru', 'unexpected EOF'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ["'", "invalid character '\\'' looking for beginning of value"],
    ['{"name":"a",}', "invalid character '}' looking for beginning of object key string"],
    ['{1:2}', "invalid character '1' looking for beginning of object key string"],
    ['{"name" "a"}', 'invalid character \'"\' after object key'],
    ['{"name":"a" "b"}', 'invalid character \'"\' after object key:value pair'],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['nul!', "invalid character '!' in literal null (expecting 'l')"],
    ['fx', "invalid character 'x' in literal false (expecting 'a')"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['"a\n"', "invalid character '\\n' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['{"a":1.x}', "invalid character 'x' after decimal point in numeric literal"],
    ['{"a":1ex}', "invalid character 'x' in exponent of numeric literal"],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    [[0xc3, 0xa9], "invalid character 'Ã' looking for beginning of value"],
    [[0x80], "invalid character '\\u0080' looking for beginning of value"],
  ];
  for (const [input, message] of cases) {
    it(`${JSON.stringify(input)} → ${message}`, () => assert.equal(syntaxError(input), message));
  }

  it('reads only the first value: what follows is not looked at', () => {
    const r = decodeGoJson(bytes('{"a":"b"} }}} garbage'));
    assert.deepEqual(r, { ok: true, value: { kind: 'object', entries: [['a', { kind: 'string', value: 'b' }]] } });
  });

  it('unquotes escapes, pairs surrogates and replaces lone ones', () => {
    const r = decodeGoJson(bytes('"a\\u00e9\\ud83d\\ude00\\ud800x\\/\\t"'));
    assert.deepEqual(r, { ok: true, value: { kind: 'string', value: 'aé😀\ufffdx/\t' } });
  });
});

describe('the PUT body (schema.Unit)', () => {
  const error = (body: string): string => {
    const r = decodeUnitBody(bytes(body));
    assert.equal(r.ok, false);
    return r.ok ? '' : r.error;
  };

  it('gives Go 1.7 type errors', () => {
    assert.equal(error('{"name":1}'), 'json: cannot unmarshal number into Go value of type string');
    assert.equal(error('{"name":true}'), 'json: cannot unmarshal bool into Go value of type string');
    assert.equal(error('[]'), 'json: cannot unmarshal array into Go value of type schema.Unit');
    assert.equal(error('"x"'), 'json: cannot unmarshal string into Go value of type schema.Unit');
    assert.equal(error('7'), 'json: cannot unmarshal number into Go value of type schema.Unit');
    assert.equal(error('{"options":"x"}'), 'json: cannot unmarshal string into Go value of type []*schema.UnitOption');
    assert.equal(error('{"options":{}}'), 'json: cannot unmarshal object into Go value of type []*schema.UnitOption');
    assert.equal(error('{"options":[1]}'), 'json: cannot unmarshal number into Go value of type schema.UnitOption');
    assert.equal(error('{"options":[[]]}'), 'json: cannot unmarshal array into Go value of type schema.UnitOption');
    assert.equal(error('{"options":[{"value":false}]}'), 'json: cannot unmarshal bool into Go value of type string');
  });

  it('reports the first remembered mismatch, unless a number stops decoding', () => {
    assert.equal(error('{"name":true,"desiredState":[]}'), 'json: cannot unmarshal bool into Go value of type string');
    assert.equal(error('{"name":true,"desiredState":1}'), 'json: cannot unmarshal number into Go value of type string');
  });

  it('refuses a null option (fleet 1.0.0 would crash on it)', () => {
    assert.equal(error('{"options":[{"name":"A","section":"S","value":"v"},null]}'), 'options[1] is null');
  });

  it('matches field names case-insensitively, with Go folding, the last repeated key winning', () => {
    const r = decodeUnitBody(
      bytes('{"NAME":"a.service","DesiredSTATE":"launched","name":"b.service","options":[{"\u017fection":"Unit","NaMe":"Description","VALUE":"x"}],"bogus":1}'),
    );
    assert.deepEqual(r, {
      ok: true,
      unit: {
        name: 'b.service',
        desiredState: 'launched',
        currentState: '',
        machineID: '',
        options: [{ section: 'Unit', name: 'Description', value: 'x' }],
      },
    });
  });

  it('takes null as "no change"', () => {
    const r = decodeUnitBody(bytes('null'));
    assert.deepEqual(r, { ok: true, unit: { name: '', desiredState: '', currentState: '', machineID: '', options: [] } });
    const n = decodeUnitBody(bytes('{"name":"a.service","name":null,"options":null}'));
    assert.equal(n.ok && n.unit.name, 'a.service');
  });
});

describe('the PATCH /machines body', () => {
  const plan = (body: string): ReturnType<typeof planMetadataPatch> => planMetadataPatch(bytes(body));

  it('takes both value forms, and remove as a write of ""', () => {
    assert.deepEqual(
      plan(
        '[{"op":"add","path":"/m1/metadata/role","value":{"value":"web"}},' +
          '{"op":"replace","path":"/m1/metadata/disk","value":"ssd"},' +
          '{"op":"remove","path":"/m2/metadata/region"}]',
      ),
      {
        ok: true,
        writes: [
          { machineId: 'm1', key: 'role', value: 'web' },
          { machineId: 'm1', key: 'disk', value: 'ssd' },
          { machineId: 'm2', key: 'region', value: '' },
        ],
      },
    );
  });

  it('validates every operation before any write, in fleet order', () => {
    const e = (body: string): string => {
      const r = plan(body);
      return r.ok ? 'ok' : r.error;
    };
    assert.equal(e('[{"op":"bogus","path":"/m/metadata/k","value":{"value":"v"}}]'), 'invalid op: expect add, remove, or replace');
    assert.equal(e('[{"op":"add","path":"/m/meta/k","value":{"value":"v"}}]'), 'machine metadata path invalid');
    assert.equal(e('[{"op":"add","path":"/m/metadata/k!","value":{"value":"v"}}]'), 'machine metadata path invalid');
    assert.equal(e('[{"op":"add","path":"//metadata/k","value":{"value":"v"}}]'), 'machine metadata path invalid');
    assert.equal(e('[{"op":"add","path":"/m/metadata/k"}]'), 'invalid value: add and replace require a value');
    assert.equal(e('[{"op":"replace","path":"/m/metadata/k","value":{}}]'), 'invalid value: add and replace require a value');
    assert.equal(
      e('[{"op":"add","path":"/m/metadata/k","value":"v"},{"op":"add","path":"bad"},{"op":"x"}]'),
      'machine metadata path invalid',
    );
    assert.equal(e('[null]'), 'invalid op: expect add, remove, or replace');
    assert.equal(e('null'), 'ok');
    assert.equal(e('[]'), 'ok');
  });

  it('answers decode errors with the bare Go text', () => {
    const e = (body: string): string => {
      const r = plan(body);
      return r.ok ? 'ok' : r.error;
    };
    assert.equal(e(''), 'EOF');
    assert.equal(e('{"op":"add"}'), 'json: cannot unmarshal object into Go value of type []api.machineMetadataOp');
    assert.equal(e('["x"]'), 'json: cannot unmarshal string into Go value of type api.machineMetadataOp');
    assert.equal(e('[{"op":"add","path":"/m/metadata/k","value":5}]'), 'json: cannot unmarshal number into Go value of type map[string]string');
    assert.equal(e('[{"op":"add","path":"/m/metadata/k","value":{"value":1}}]'), 'json: cannot unmarshal number into Go value of type string');
    assert.equal(e('[{"op":"add",'), 'unexpected EOF');
  });

  it('reads "value" of a map with other keys as ""', () => {
    assert.deepEqual(plan('[{"Op":"add","PATH":"/m/metadata/k","Value":{"other":"x"}}]'), {
      ok: true,
      writes: [{ machineId: 'm', key: 'k', value: '' }],
    });
  });
});
