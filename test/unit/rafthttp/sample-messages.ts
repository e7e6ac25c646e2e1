/** One message of every kind, with the awkward values: u64 IDs, binary data, contexts, snapshots. */
import { MessageType, newMessage, type Message } from '../../../src/raft/messages.js';

const bigId = 0xfedcba9876543210n;

export function sampleMessages(): Message[] {
  const out: Message[] = [];
  for (const type of Object.values(MessageType)) {
    out.push(newMessage({ type, to: bigId, from: 1n, term: 7, logTerm: 6, index: 2 ** 40 + 3, commit: 2 ** 53 - 1 }));
  }
  out.push(newMessage({
    type: MessageType.App, to: 2n, from: bigId, term: 3, logTerm: 2, index: 10, commit: 9,
    entries: [
      { term: 3, index: 11, type: 0, data: new Uint8Array([0, 255, 1, 254, 0]) },
      { term: 3, index: 12, type: 1, data: new Uint8Array(0) },
      { term: 3, index: 13, type: 0, data: new TextEncoder().encode('{"op":"set"}') },
    ],
  }));
  out.push(newMessage({ type: MessageType.AppResp, to: 1n, from: 2n, term: 3, index: 9, reject: true, rejectHint: 4 }));
  out.push(newMessage({ type: MessageType.ReadIndex, to: 1n, from: 2n, context: new Uint8Array([9, 8, 7]) }));
  out.push(newMessage({ type: MessageType.Vote, to: 1n, from: 2n, context: new Uint8Array(0) }));
  out.push(newMessage({
    type: MessageType.Snap, to: 2n, from: 1n, term: 5,
    snapshot: { data: new Uint8Array([1, 2, 3, 0, 4]), metadata: { index: 100, term: 4, confState: { voters: [1n, 2n, bigId] } } },
  }));
  out.push(newMessage({
    type: MessageType.Snap, to: 2n, from: 1n, term: 5,
    snapshot: { data: new Uint8Array(0), metadata: { index: 1, term: 1, confState: { voters: [1n], learners: [3n] } } },
  }));
  return out;
}

