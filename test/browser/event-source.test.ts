/**
 * A real browser's EventSource (Debian's chromium, driven by playwright-core) watching keys through
 * Flotilla's opt-in Server-Sent Events: events arrive with their index as id, and when the server
 * ends the stream (waitTimeout) the browser reconnects on its own and gets, from the event history,
 * every change made while it was away. Once from a page of the server's own origin, once from a
 * page of another origin.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createClientServer } from '../../src/api/v2http/client-server.js';
import type { Http1Server } from '../../src/http1/index.js';
import { httpRequest } from '../support/cluster.js';
import { MemoryServer } from '../support/memory-server.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let face: MemoryServer;
let server: Http1Server;
let base: string;
let otherOrigin: Server;
let otherBase: string;
let browser: Browser;

before(async () => {
  assert.ok(existsSync(chromiumPath), `no chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`);
  face = new MemoryServer({ syncIntervalMs: 3_600_000 });
  server = createClientServer(face);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A blank page on another port: another origin.
  otherOrigin = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>other</title>'));
  await new Promise<void>((r) => otherOrigin.listen(0, '127.0.0.1', r));
  otherBase = `http://127.0.0.1:${(otherOrigin.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'], timeout: 30_000 });
});

after(async () => {
  await browser?.close();
  face?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  otherOrigin?.closeAllConnections();
  await new Promise((r) => otherOrigin?.close(r));
});

async function put(key: string, value: string): Promise<number> {
  const r = await httpRequest('PUT', `${base}/v2/keys${key}`, { body: `value=${encodeURIComponent(value)}` });
  return Number(r.headers['x-etcd-index']);
}

interface PageState {
  got: { id: string; value: string }[];
  opens: number;
  errors: number;
  closed: boolean;
}

/** Waits (bounded) until the page's watch state satisfies `cond`. */
async function pageUntil(page: Page, cond: (s: PageState) => boolean, what: string, ms = 15_000): Promise<PageState> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await page.evaluate(() => (globalThis as unknown as { watch: PageState }).watch);
    if (cond(s)) return s;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; page state: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function watchAcrossReconnect(pageURL: string, key: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await page.goto(pageURL);
    const first = await put(key, 'before');
    await page.evaluate((url: string) => {
      const state: PageState = { got: [], opens: 0, errors: 0, closed: false };
      (globalThis as unknown as { watch: PageState }).watch = state;
      const es = new EventSource(url);
      es.onopen = () => state.opens++;
      es.onmessage = (e) => state.got.push({ id: e.lastEventId, value: (JSON.parse(e.data as string) as { node: { value: string } }).node.value });
      es.onerror = () => {
        state.errors++;
        state.closed = es.readyState === EventSource.CLOSED;
      };
    }, `${base}/v2/keys${key}?wait=true&waitTimeout=400ms`);
    await pageUntil(page, (s) => s.opens === 1, 'the stream to open');
    const i1 = await put(key, 'one');
    await pageUntil(page, (s) => s.got.length === 1, 'the first event');
    // The server ends the stream at the timeout; while the browser waits to reconnect, two changes.
    await pageUntil(page, (s) => s.errors >= 1, 'the stream to end');
    const i2 = await put(key, 'two');
    const i3 = await put(key, 'three');
    const s = await pageUntil(page, (st) => st.got.length >= 3 || st.closed, 'the reconnect and the missed events');
    assert.equal(s.closed, false, 'the browser gave up reconnecting');
    // Both missed events came with the first reconnect (the next would come seconds later).
    assert.equal(s.opens, 2);
    assert.deepEqual(s.got, [
      { id: String(i1), value: 'one' },
      { id: String(i2), value: 'two' },
      { id: String(i3), value: 'three' },
    ]);
    assert.ok(first < i1);
  } finally {
    await page.close();
  }
}

test('EventSource on the same origin gets every change, across a reconnect', { timeout: 60_000 }, async () => {
  await watchAcrossReconnect(`${base}/version`, '/browser/same');
});

test('EventSource from another origin gets every change, across a reconnect', { timeout: 60_000 }, async () => {
  await watchAcrossReconnect(`${otherBase}/`, '/browser/cross');
});
