// checkTcp against real sockets on 127.0.0.1: an open port, a closed one, and a server that accepts
// and never says a word (still up: the TCP handshake is the check).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { checkTcp } from '../../dist/protocols/tcp/check-tcp.js';

const servers = [];
const sockets = new Set();

function listen(onConnection) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {}); // the check closes as soon as it is connected: a reset here is expected
      s.on('close', () => sockets.delete(s));
      onConnection(s);
    });
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      servers.push(server);
      resolve(server.address().port);
    });
  });
}

/** A port that was just free: bound by a server that is closed again. */
async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

describe('checkTcp()', () => {
  let greeting;
  let silent;
  before(async () => {
    greeting = await listen((s) => s.end('220 hello\r\n'));
    silent = await listen(() => {});
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  test('an open port is up, with the connect time', async () => {
    const r = await checkTcp({ host: '127.0.0.1', port: greeting, timeoutMs: 2000 });
    assert.equal(r.up, true);
    assert.equal(r.error, null);
    assert.ok(typeof r.latencyMs === 'number' && r.latencyMs >= 0 && r.latencyMs < 2000, `latency ${r.latencyMs}`);
  });

  test('a closed port is down: connection refused, long before the timeout', async () => {
    const port = await closedPort();
    const t0 = performance.now();
    const r = await checkTcp({ host: '127.0.0.1', port, timeoutMs: 2000 });
    assert.equal(r.up, false);
    assert.equal(r.latencyMs, null);
    assert.equal(r.error, `connection refused by 127.0.0.1:${port}`);
    assert.ok(performance.now() - t0 < 1000);
  });

  test('a server that accepts and never speaks is still up', async () => {
    const r = await checkTcp({ host: '127.0.0.1', port: silent, timeoutMs: 1000 });
    assert.equal(r.up, true);
    assert.equal(r.error, null);
  });

  test('an invalid port is a result, not an exception', async () => {
    const r = await checkTcp({ host: '127.0.0.1', port: 70000, timeoutMs: 1000 });
    assert.deepEqual(r, { up: false, latencyMs: null, error: '127.0.0.1:70000: invalid port' });
  });

  test('a name that does not resolve is a result naming the host', async () => {
    const r = await checkTcp({ host: 'no-such-host.invalid', port: 25, timeoutMs: 3000 });
    assert.equal(r.up, false);
    assert.match(r.error, /no-such-host\.invalid (does not resolve|could not be resolved)|no answer from no-such-host\.invalid:25 within 3s/);
  });
});
