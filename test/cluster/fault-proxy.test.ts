/**
 * The fault proxy on its own: an echo server behind it, connections attributed by their local port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FaultProxy } from '../support/fault-proxy.js';

async function echoServer(): Promise<{ port: number; server: net.Server; sockets: Set<net.Socket>; received: Buffer[] }> {
  const sockets = new Set<net.Socket>();
  const received: Buffer[] = [];
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      received.push(d);
      s.write(d);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as net.AddressInfo).port, server, sockets, received };
}

/** Which name each client socket has: the proxy asks by the client's port. */
const names = new Map<number, string>();

async function connectAs(name: string, port: number): Promise<net.Socket> {
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => undefined);
  await once(s, 'connect');
  names.set(s.localPort!, name);
  return s;
}

function nextData(s: net.Socket, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { s.off('data', on); resolve(null); }, timeoutMs);
    const on = (d: Buffer): void => { clearTimeout(timer); resolve(d.toString()); };
    s.once('data', on);
  });
}

function closed(s: net.Socket, timeoutMs = 2000): Promise<boolean> {
  if (s.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    s.once('close', () => { clearTimeout(timer); resolve(true); });
  });
}

async function setup(): Promise<{ proxy: FaultProxy; echo: Awaited<ReturnType<typeof echoServer>>; done: () => Promise<void> }> {
  const echo = await echoServer();
  const proxy = await FaultProxy.start({
    targetPort: echo.port,
    // The client's port is known once it connected; wait a moment for the test to register it.
    identify: async (s) => {
      for (let i = 0; i < 50 && !names.has(s.remotePort!); i++) await new Promise((r) => setTimeout(r, 5));
      return names.get(s.remotePort!) ?? null;
    },
  });
  return {
    proxy,
    echo,
    done: async () => {
      await proxy.close();
      for (const s of echo.sockets) s.destroy();
      await new Promise<void>((r) => echo.server.close(() => r()));
    },
  };
}

test('bytes pass both ways and connections are attributed', async () => {
  const { proxy, done } = await setup();
  try {
    const a = await connectAs('a', proxy.port);
    a.write('hello');
    assert.equal(await nextData(a), 'hello');
    assert.equal(proxy.connectionCount('a'), 1);
    a.destroy();
  } finally {
    await done();
  }
});

test('cut closes existing connections from that source and refuses new ones; others pass', async () => {
  const { proxy, done } = await setup();
  try {
    const a = await connectAs('a', proxy.port);
    const b = await connectAs('b', proxy.port);
    a.write('1');
    b.write('2');
    assert.equal(await nextData(a), '1');
    assert.equal(await nextData(b), '2');
    proxy.cut('a');
    assert.equal(await closed(a), true);
    const a2 = await connectAs('a', proxy.port);
    assert.equal(await closed(a2), true);
    b.write('3');
    assert.equal(await nextData(b), '3');
    proxy.heal('a');
    const a3 = await connectAs('a', proxy.port);
    a3.write('4');
    assert.equal(await nextData(a3), '4');
    b.destroy();
    a3.destroy();
  } finally {
    await done();
  }
});

test('one-way drop: bytes toward the member are lost, healing closes the damaged connection', async () => {
  const { proxy, echo, done } = await setup();
  try {
    const a = await connectAs('a', proxy.port);
    a.write('x');
    assert.equal(await nextData(a), 'x');
    const before = echo.received.length;
    proxy.drop('a', 'in');
    a.write('lost');
    assert.equal(await nextData(a, 300), null);
    assert.equal(echo.received.length, before);
    proxy.heal();
    assert.equal(await closed(a), true);
  } finally {
    await done();
  }
});

test('one-way drop: answers from the member are lost while requests arrive', async () => {
  const { proxy, echo, done } = await setup();
  try {
    const a = await connectAs('a', proxy.port);
    proxy.drop('a', 'out');
    a.write('req');
    assert.equal(await nextData(a, 300), null);
    assert.equal(echo.received.map(String).join(''), 'req');
    a.destroy();
  } finally {
    await done();
  }
});

test('delay holds bytes back, in order', async () => {
  const { proxy, done } = await setup();
  try {
    const a = await connectAs('a', proxy.port);
    proxy.delay('*', 150);
    const start = Date.now();
    a.write('p');
    let got = '';
    while (got.length < 1) got += (await nextData(a)) ?? '';
    const elapsed = Date.now() - start;
    // 150 ms each way.
    assert.ok(elapsed >= 290, `echo came back after ${elapsed} ms`);
    a.write('q');
    a.write('r');
    let rest = '';
    while (rest.length < 2) {
      const d = await nextData(a);
      assert.notEqual(d, null);
      rest += d;
    }
    assert.equal(rest, 'qr');
    a.destroy();
  } finally {
    await done();
  }
});

test('close destroys every connection', async () => {
  const { proxy, done } = await setup();
  const a = await connectAs('a', proxy.port);
  a.write('z');
  assert.equal(await nextData(a), 'z');
  await done();
  assert.equal(await closed(a), true);
});
