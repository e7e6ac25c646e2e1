import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { listenFleetApi, type FleetApiListeners } from '../../../../src/fleet/api/listeners.js';
import type { LocalUnitAccess } from '../../../../src/fleet/api/local-units.js';
import { createFleetApi } from '../../../../src/fleet/api/routes.js';
import { errorBody, MACHINE_ID, startApi, type ApiHarness } from './api-harness.js';

const PEER_ID = '3333333333333333333333333333333c';
const X = '/fleet/v1/x-flotilla';

/** A machine's units: one known unit, a journal, and followers that tests can feed. */
class FakeLocalUnits implements LocalUnitAccess {
  readonly followers = new Set<(line: string) => void>();
  private readonly waiters: (() => void)[] = [];
  readonly lineRequests: number[] = [];

  constructor(private readonly prefix: string) {}

  statusText(name: string): { text: string; exitCode: number } | null {
    if (name !== 'hello.service') return null;
    return { text: `● hello.service - Hello World (${this.prefix})\n   Active: active (running)\n`, exitCode: 0 };
  }

  journalLines(name: string, lines: number): string[] {
    this.lineRequests.push(lines);
    const all = [`${this.prefix} ${name} one`, `${this.prefix} ${name} two`, `${this.prefix} ${name} three`];
    return all.slice(Math.max(0, all.length - lines));
  }

  followJournal(_name: string, onLine: (line: string) => void): () => void {
    this.followers.add(onLine);
    return () => {
      this.followers.delete(onLine);
      for (const w of this.waiters.splice(0)) w();
    };
  }

  emit(line: string): void {
    for (const f of this.followers) f(line);
  }

  /** Resolves once no one follows any more, or fails after `ms`. */
  async noFollowers(ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.followers.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`a journal follower was still subscribed after ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

interface Stream {
  res: IncomingMessage;
  /** Waits until the text received so far satisfies `done`; fails after `ms`. */
  until(done: (text: string) => boolean, ms?: number): Promise<string>;
  close(): void;
}

function openStream(base: string, path: string): Promise<Stream> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, agent: false }, (res) => {
      let text = '';
      let wake: (() => void) | null = null;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        wake?.();
      });
      resolve({
        res,
        async until(done, ms = 5000) {
          const deadline = Date.now() + ms;
          while (!done(text)) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`stream ${path}: wanted text not received within ${ms} ms; got ${JSON.stringify(text)}`);
            await new Promise<void>((r) => {
              const t = setTimeout(r, left);
              wake = () => {
                clearTimeout(t);
                wake = null;
                r();
              };
            });
          }
          return text;
        },
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let api: ApiHarness;
let peer: FleetApiListeners;
const local = new FakeLocalUnits('here');
const peerLocal = new FakeLocalUnits('peer');
let peerAddress: string | null = null;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-x-'));
  api = await startApi({ local, peerApi: async (id) => (id === PEER_ID ? peerAddress : null) });
  const peerHandler = createFleetApi({
    registry: api.registry,
    machineId: PEER_ID,
    version: 'v1.0.0',
    tokenLimit: 100,
    isReady: () => true,
    local: peerLocal,
    peerApi: async (id) => (id === MACHINE_ID ? api.base : null),
  });
  peer = await listenFleetApi(peerHandler, [`unix://${join(dir, 'peer.sock')}`, '127.0.0.1:0']);
  peerAddress = peer.addresses[0]!;
});
after(async () => {
  await peer.close();
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('x-flotilla placement', () => {
  it('answers the recorded placement failure, or 404', async () => {
    await api.registry.recordPlacementFailure('web.service', 'no machine matches MachineMetadata region=mars');
    const r = await api.request('GET', `${X}/units/web.service/placement`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{"reason":"no machine matches MachineMetadata region=mars"}');
    const none = await api.request('GET', `${X}/units/other.service/placement`);
    assert.equal(none.body, errorBody(404, 'no placement failure recorded for this unit'));
  });
});

describe('x-flotilla status and journal on this machine', () => {
  it('status: the text and exit code, or 404 for a unit not here', async () => {
    const r = await api.request('GET', `${X}/machines/${MACHINE_ID}/units/hello.service/status`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '{"exitCode":0,"text":"● hello.service - Hello World (here)\\n   Active: active (running)\\n"}');
    const none = await api.request('GET', `${X}/machines/${MACHINE_ID}/units/none.service/status`);
    assert.equal(none.body, errorBody(404, 'unit is not loaded on this machine'));
  });

  it('journal: the last lines as text/plain, 10 by default', async () => {
    const r = await api.request('GET', `${X}/machines/${MACHINE_ID}/units/hello.service/journal?lines=2`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.body, 'here hello.service two\nhere hello.service three\n');
    await api.request('GET', `${X}/machines/${MACHINE_ID}/units/hello.service/journal`);
    assert.equal(local.lineRequests.at(-1), 10);
    const bad = await api.request('GET', `${X}/machines/${MACHINE_ID}/units/hello.service/journal?lines=-1`);
    assert.equal(bad.body, errorBody(400, 'invalid lines "-1": expect a number of lines'));
    const badFollow = await api.request('GET', `${X}/machines/${MACHINE_ID}/units/hello.service/journal?follow=maybe`);
    assert.equal(badFollow.body, errorBody(400, 'invalid follow "maybe": expect true or false'));
  });

  it('journal?follow=true streams new lines until the client goes away', async () => {
    const s = await openStream(api.base, `${X}/machines/${MACHINE_ID}/units/hello.service/journal?lines=1&follow=true`);
    try {
      assert.equal(s.res.statusCode, 200);
      assert.equal(s.res.headers['transfer-encoding'], 'chunked');
      assert.equal(s.res.headers['content-type'], 'text/plain; charset=utf-8');
      await s.until((t) => t === 'here hello.service three\n');
      assert.equal(local.followers.size, 1);
      assert.match((await api.request('GET', '/metrics')).body, /^fleetd_api_journal_streams 1$/m);
      local.emit('later line');
      assert.equal(await s.until((t) => t.endsWith('later line\n')), 'here hello.service three\nlater line\n');
    } finally {
      s.close();
    }
    await local.noFollowers();
  });

  it('404 without local unit access', async () => {
    const bare = await startApi();
    try {
      const r = await bare.request('GET', `${X}/machines/${MACHINE_ID}/units/hello.service/status`);
      assert.equal(r.body, errorBody(404, 'this machine has no local unit access'));
    } finally {
      await bare.stop();
    }
  });
});

describe('x-flotilla requests for another machine', () => {
  it('are forwarded to its API (here over a unix socket)', async () => {
    const r = await api.request('GET', `${X}/machines/${PEER_ID}/units/hello.service/status`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, '{"exitCode":0,"text":"● hello.service - Hello World (peer)\\n   Active: active (running)\\n"}');
    const missing = await api.request('GET', `${X}/machines/${PEER_ID}/units/none.service/status`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body, errorBody(404, 'unit is not loaded on this machine'));
    const journal = await api.request('GET', `${X}/machines/${PEER_ID}/units/hello.service/journal?lines=1`);
    assert.equal(journal.body, 'peer hello.service three\n');
  });

  it('stream a followed journal through, and stop following when the client goes away', async () => {
    const s = await openStream(api.base, `${X}/machines/${PEER_ID}/units/hello.service/journal?lines=1&follow=1`);
    try {
      await s.until((t) => t === 'peer hello.service three\n');
      peerLocal.emit('from afar');
      await s.until((t) => t.endsWith('from afar\n'));
    } finally {
      s.close();
    }
    await peerLocal.noFollowers();
  });

  it('404 `machine API address unknown` when the machine published none', async () => {
    const r = await api.request('GET', `${X}/machines/unknown/units/hello.service/status`);
    assert.equal(r.body, errorBody(404, 'machine API address unknown'));
  });

  it('are not forwarded twice', async () => {
    // The peer believes MACHINE_ID is at `api`, which in turn would send it back: a loop is cut at the second hop.
    const tcpPeer = peer.addresses[1]!;
    const r = await fetch(`${tcpPeer}${X}/machines/${MACHINE_ID}/units/hello.service/status`, {
      headers: { 'x-flotilla-forwarded-by': 'somewhere' },
    });
    assert.equal(r.status, 502);
    assert.equal(await r.text(), errorBody(502, `request for machine ${MACHINE_ID} forwarded by somewhere reached machine ${PEER_ID}`));
  });

  it('502 when the peer cannot be reached', async () => {
    const saved = peerAddress;
    peerAddress = `unix://${join(dir, 'nobody.sock')}`;
    try {
      const r = await api.request('GET', `${X}/machines/${PEER_ID}/units/hello.service/status`);
      assert.equal(r.status, 502);
      assert.match(r.body, new RegExp(`^\\{"error":\\{"code":502,"message":"unable to reach machine ${PEER_ID} at unix://.*nobody\\.sock: .*ENOENT`));
    } finally {
      peerAddress = saved;
    }
  });
});
