import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { EtcdClient } from '../../../src/client/index.js';
import { startFakeMember, replyEvent } from './fake-member.js';

test('a keep-alive connection the server dropped is replaced, not reported as a failure', async () => {
  const served = new WeakMap<Socket, number>();
  let dropped = 0;
  const member = await startFakeMember((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n > 1) {
      // the server forgot this idle connection: the next request on it is cut off unanswered
      dropped++;
      req.socket.destroy();
      return;
    }
    replyEvent(res, 3, { action: 'get', node: { key: '/k', value: 'v', modifiedIndex: 3, createdIndex: 3 } });
  });
  const client = new EtcdClient({ endpoints: [member.url] });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await client.get('/k')).node.value, 'v');
    assert.equal(dropped, 2);
    assert.equal(member.requests.length, 5);
  } finally {
    client.close();
    await member.close();
  }
});
