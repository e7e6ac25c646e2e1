import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../../src/raft/messages.js';
import { sampleMessages } from './sample-messages.js';
import {
  decodeMessage, encodeMessage, encodeMessageParts, encodedSize, MessageDecodeError,
} from '../../../src/rafthttp/message-codec.js';

function plain(m: Message): unknown {
  return {
    ...m,
    entries: m.entries.map((e) => ({ ...e, data: [...e.data] })),
    context: m.context ? [...m.context] : null,
    snapshot: m.snapshot ? { ...m.snapshot, data: [...m.snapshot.data] } : null,
  };
}

test('every message kind survives encoding and decoding', () => {
  for (const m of sampleMessages()) {
    const buf = encodeMessage(m);
    assert.equal(buf.length, encodedSize(m));
    assert.deepEqual(plain(decodeMessage(buf)), plain(m));
  }
});

test('the two-part encoding of a snapshot equals the whole encoding', () => {
  for (const m of sampleMessages()) {
    const { head, data } = encodeMessageParts(m);
    assert.deepEqual(Buffer.concat([head, data]), encodeMessage(m));
  }
});

test('decoded entry data does not alias the frame', () => {
  const m = sampleMessages().find((x) => x.entries.length > 0)!;
  const buf = encodeMessage(m);
  const d = decodeMessage(buf);
  buf.fill(0xaa);
  assert.deepEqual([...d.entries[0].data], [0, 255, 1, 254, 0]);
});

test('truncated or padded messages are refused', () => {
  for (const m of sampleMessages()) {
    const buf = encodeMessage(m);
    assert.throws(() => decodeMessage(buf.subarray(0, buf.length - 1)), MessageDecodeError);
    assert.throws(() => decodeMessage(Buffer.concat([buf, Buffer.from([0])])), MessageDecodeError);
  }
});
