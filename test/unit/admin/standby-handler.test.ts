import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createLegacyMachinesRoute, legacyMachineURLs } from '../../../src/api/admin/legacy-machines.js';
import { createStandbyClientHandler, createStandbyPeerHandler, standbyRedirectLocation } from '../../../src/api/admin/standby-handler.js';
import type { MemberInfo } from '../../../src/api/v2http/server-face.js';
import { createHttp1Server, type Http1Handler } from '../../../src/http1/index.js';
import { listenOnLoopback, type LoopbackServer } from '../../support/loopback.js';
import { send, serve } from './http-reply.js';

/** Serves a client-port handler on the lean server, as the standby's client listener does. */
function serveClient(handler: Http1Handler): Promise<LoopbackServer> {
  return listenOnLoopback(createHttp1Server(handler));
}

let leaderClientURL: string | null = 'http://127.0.0.1:4001';
let client: { base: string; close: () => Promise<void> };
let peer: { base: string; close: () => Promise<void> };

before(async () => {
  client = await serveClient(createStandbyClientHandler({ leaderClientURL: () => leaderClientURL }));
  peer = await serve(createStandbyPeerHandler());
});
after(async () => {
  await client.close();
  await peer.close();
});

describe('standby client port', () => {
  it('redirects every request to the leader client URL with path and query', async () => {
    leaderClientURL = 'http://127.0.0.1:4001';
    const get = await send(client.base, 'GET', '/v2/keys/foo?recursive=true&wait=true');
    assert.equal(get.status, 307);
    assert.equal(get.headers.location, 'http://127.0.0.1:4001/v2/keys/foo?recursive=true&wait=true');
    assert.equal(get.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(get.body, '<a href="http://127.0.0.1:4001/v2/keys/foo?recursive=true&amp;wait=true">Temporary Redirect</a>.\n\n');
    const put = await send(client.base, 'PUT', '/v2/keys/foo', 'value=bar');
    assert.equal(put.status, 307);
    assert.equal(put.headers.location, 'http://127.0.0.1:4001/v2/keys/foo');
    assert.equal(put.body, '');
    const stats = await send(client.base, 'DELETE', '/v2/stats/self');
    assert.equal(stats.headers.location, 'http://127.0.0.1:4001/v2/stats/self');
  });

  it('answers error 402 when it knows no leader', async () => {
    leaderClientURL = null;
    const r = await send(client.base, 'GET', '/v2/keys/foo');
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-etcd-index'], '0');
    assert.equal(r.body, '{"errorCode":402,"message":"Standby Internal Error","index":0}\n');
  });

  it('keeps the leader URL scheme and host only', () => {
    assert.equal(standbyRedirectLocation('https://10.0.0.1:4001/', '/v2/keys/a%20b?x=1'), 'https://10.0.0.1:4001/v2/keys/a%20b?x=1');
    assert.equal(standbyRedirectLocation('http://h:1', 'http://elsewhere:9/v2/machines?y'), 'http://h:1/v2/machines?y');
  });
});

describe('standby peer port', () => {
  it('answers 404 to everything', async () => {
    for (const [method, path] of [['GET', '/members'], ['GET', '/v2/admin/config'], ['POST', '/raft']] as const) {
      const r = await send(peer.base, method, path, method === 'POST' ? 'x' : undefined);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body, '404 page not found\n');
    }
  });
});

describe('0.4 /v2/machines order (opt-in)', () => {
  const members: MemberInfo[] = [
    { id: 'a1', name: 'peer1', peerURLs: ['http://127.0.0.1:7001'], clientURLs: ['http://127.0.0.1:4001'] },
    { id: 'b2', name: 'peer3', peerURLs: ['http://127.0.0.1:7003'], clientURLs: ['http://127.0.0.1:4003'] },
    { id: 'c3', name: 'peer2', peerURLs: ['http://127.0.0.1:7002'], clientURLs: ['http://127.0.0.1:4002'] },
    { id: 'd4', name: '', peerURLs: ['http://127.0.0.1:7004'], clientURLs: [] },
  ];

  it('puts the leader first, the others by name', () => {
    assert.deepEqual(legacyMachineURLs(members, 'b2'), ['http://127.0.0.1:4003', 'http://127.0.0.1:4001', 'http://127.0.0.1:4002']);
    assert.deepEqual(legacyMachineURLs(members, null), ['http://127.0.0.1:4001', 'http://127.0.0.1:4002', 'http://127.0.0.1:4003']);
  });

  it('serves /v2/machines and /v2/peers and leaves everything else alone', async () => {
    const route = createLegacyMachinesRoute({ members: () => members, leaderId: () => 'c3' });
    const s = await serve((req, res) => {
      if (!route(req, res)) {
        res.writeHead(418);
        res.end();
      }
    });
    try {
      for (const path of ['/v2/machines', '/v2/peers']) {
        const r = await send(s.base, 'GET', path);
        assert.equal(r.status, 200);
        assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(r.body, 'http://127.0.0.1:4002, http://127.0.0.1:4001, http://127.0.0.1:4003');
      }
      const head = await send(s.base, 'HEAD', '/v2/machines');
      assert.equal(head.status, 200);
      assert.equal(head.body, '');
      assert.equal((await send(s.base, 'POST', '/v2/machines', '')).status, 418);
      assert.equal((await send(s.base, 'GET', '/v2/keys')).status, 418);
    } finally {
      await s.close();
    }
  });
});

describe('standby client port with a malformed leader URL', () => {
  it('answers 402 instead of failing', async () => {
    const s = await serveClient(createStandbyClientHandler({ leaderClientURL: () => 'not a url' }));
    try {
      const r = await send(s.base, 'GET', '/v2/keys/a');
      assert.equal(r.status, 400);
      assert.equal(r.body, '{"errorCode":402,"message":"Standby Internal Error","index":0}\n');
    } finally {
      await s.close();
    }
  });
});
