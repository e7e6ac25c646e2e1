import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FrameDecoder } from '../../../src/rafthttp/frame-decoder.js';
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
    snapshot: m.snapshot ? {
      data: [...m.snapshot.data],
      metadata: { index: m.snapshot.metadata.index, term: m.snapshot.metadata.term, confState: { ...m.snapshot.metadata.confState } },
    } : null,
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

test('random messages survive encoding and decoding, alone and in frames cut anywhere', () => {
  const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
  const n53 = fc.maxSafeNat();
  const bytes = fc.uint8Array({ maxLength: 300 });
  const entry = fc.record({ term: n53, index: n53, type: fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>, data: bytes });
  const snapshot = fc.record({
    data: bytes,
    metadata: fc.record({
      index: n53, term: n53,
      confState: fc.oneof(
        fc.record({ voters: fc.array(u64, { maxLength: 5 }) }),
        fc.record({ voters: fc.array(u64, { maxLength: 5 }), learners: fc.array(u64, { maxLength: 3 }) }),
      ),
    }),
  });
  const message = fc.record({
    type: fc.integer({ min: 0, max: 18 }) as fc.Arbitrary<Message['type']>,
    to: u64, from: u64, term: n53, logTerm: n53, index: n53, commit: n53,
    entries: fc.array(entry, { maxLength: 6 }),
    snapshot: fc.option(snapshot),
    reject: fc.boolean(), rejectHint: n53,
    context: fc.option(bytes),
  });
  fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 97 }), (msgs, step) => {
    const frames = Buffer.concat(msgs.map((m) => {
      const body = encodeMessage(m);
      const head = Buffer.alloc(4);
      head.writeUInt32BE(body.length);
      return Buffer.concat([head, body]);
    }));
    const decoder = new FrameDecoder(1 << 20);
    const got: unknown[] = [];
    for (let i = 0; i < frames.length; i += step) {
      decoder.push(frames.subarray(i, i + step), (f) => got.push(plain(decodeMessage(f))));
    }
    assert.deepEqual(got, msgs.map(plain));
  }), { numRuns: 200 });
});
