/** Go's encoding/json as fleet's registry values need it: the encoder's escapes and the decoder's errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { goJsonString, goJsonStringMap } from '../../../../src/fleet/registry/go-json-encode.js';
import { goJsonSyntaxError } from '../../../../src/fleet/registry/go-json-decode.js';
import {
  decodeJobObject,
  decodeLease,
  decodeMachineObject,
  encodeMachineObject,
} from '../../../../src/fleet/registry/records.js';

describe('Go JSON encoding', () => {
  it('escapes as json.Marshal does', () => {
    assert.equal(goJsonString('a && b <c> "d" \\e'), String.raw`"a \u0026\u0026 b \u003cc\u003e \"d\" \\e"`);
    assert.equal(goJsonString('\n\r\t\b\f\u0001\u001f\u007f'), '"\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\u007f"');
    assert.equal(goJsonString('x\u2028y\u2029z é 😀'), '"x\\u2028y\\u2029z é 😀"');
    assert.equal(goJsonString('lone \ud800 surrogate'), '"lone \\ufffd surrogate"');
  });
  it('sorts map keys by bytes', () => {
    assert.equal(goJsonStringMap({ role: 'web', Region: 'x', region: 'us' }), '{"Region":"x","region":"us","role":"web"}');
    assert.equal(goJsonStringMap(null), 'null');
  });
});

describe('Go JSON syntax errors', () => {
  const cases: Array<[string, string | null]> = [
    ['{"a":[1,2.5e3,-0,true,false,null,"\\u00e9\\n"]}', null],
    [' 7 ', null],
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['not json', "invalid character 'o' in literal null (expecting 'u')"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['fals', "invalid character ' ' in literal false (expecting 'e')"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['01', "invalid character '1' after top-level value"],
    ['{"a":"b"}x', "invalid character 'x' after top-level value"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1e', "invalid character ' ' in exponent of numeric literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['{"a":1', 'unexpected end of JSON input'],
    ['[', 'unexpected end of JSON input'],
    ['é', "invalid character 'Ã' looking for beginning of value"],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => assert.equal(goJsonSyntaxError(text), want));
  }
});

describe('registry records', () => {
  it('decodes job objects as Go does', () => {
    assert.deepEqual(decodeJobObject('{"name":"x.service","unithash":[1,2]}'), {
      name: 'x.service',
      unitHash: '0102000000000000000000000000000000000000',
    });
    assert.throws(() => decodeJobObject('{"Name":"x","UnitHash":[256]}'), {
      message: 'unable to JSON-deserialize object: json: cannot unmarshal number 256 into Go value of type uint8',
    });
    assert.throws(() => decodeJobObject('{"Name":5}'), {
      message: 'unable to JSON-deserialize object: json: cannot unmarshal number into Go value of type string',
    });
    assert.throws(() => decodeJobObject('[]'), {
      message: 'unable to JSON-deserialize object: json: cannot unmarshal array into Go value of type registry.jobModel',
    });
  });
  it('round-trips machine objects', () => {
    const text = '{"ID":"m","PublicIP":"1.2.3.4","Metadata":{"a":"b"},"Capabilities":{"DISABLE_ENGINE":true,"GRPC":false},"Version":"v1.0.0"}';
    assert.equal(encodeMachineObject(decodeMachineObject(text)), text);
    assert.deepEqual(decodeMachineObject('{"ID":"m","Metadata":null}'), { id: 'm', publicIP: '', metadata: {}, version: '' });
  });
  it('reads leases, falling back to a bare machine ID', () => {
    assert.deepEqual(decodeLease('{"MachineID":"m","Version":1}'), { machineId: 'm', version: 1 });
    assert.deepEqual(decodeLease('abc123'), { machineId: 'abc123', version: 0 });
    assert.deepEqual(decodeLease('{"MachineID":"m","Version":1.5}'), { machineId: '{"MachineID":"m","Version":1.5}', version: 0 });
    assert.deepEqual(decodeLease('null'), { machineId: '', version: 0 });
  });
});
