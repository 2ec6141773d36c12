// checkPing with the system's iputils ping, on loopback only: 127.0.0.1 (0 % loss), the deadline
// (SIGINT, then statistics for what was sent), a missing ping binary, a host that could be an option,
// and packet loss inside a network namespace this test creates and removes.
//
// Loss: `tc qdisc … netem loss 30%` on the namespace's lo when the kernel has netem (lo carries both the
// request and the reply, so about half the round trips are lost); kernels without sch_netem (this one)
// get the same effect from net.ipv4.icmp_echo_ignore_all switched on for the middle of the run. Either
// way count 20 and an assertion of 10–90 % loss, so that it never flakes.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkPing } from '../../dist/protocols/ping/check-ping.js';

const distPing = pathToFileURL(resolve(import.meta.dirname, '..', '..', 'dist', 'protocols', 'ping', 'check-ping.js')).href;

describe('checkPing() on 127.0.0.1', () => {
  test('no loss and sane round trips', async () => {
    const t0 = performance.now();
    const r = await checkPing({ host: '127.0.0.1', count: 5, timeoutMs: 3000 });
    assert.ok(performance.now() - t0 < 3000);
    assert.equal(r.up, true, r.error);
    assert.equal(r.error, null);
    assert.equal(r.sent, 5);
    assert.equal(r.received, 5);
    assert.equal(r.lossPercent, 0);
    assert.ok(r.rttMinMs > 0 && r.rttMinMs <= r.rttAvgMs && r.rttAvgMs <= r.rttMaxMs && r.rttMaxMs < 100, JSON.stringify(r));
  });

  test('more pings than the deadline allows: stopped at the deadline with statistics for those sent', async () => {
    const t0 = performance.now();
    const r = await checkPing({ host: '127.0.0.1', count: 50, timeoutMs: 1500 });
    const took = performance.now() - t0;
    assert.ok(took < 1500 + 300, `took ${took} ms`);
    assert.equal(r.up, true, r.error);
    assert.ok(r.sent >= 3 && r.sent < 50, `sent ${r.sent}`);
    assert.equal(r.lossPercent, 0);
  });

  test('a missing ping program is a clear error', async () => {
    const r = await checkPing({ host: '127.0.0.1', timeoutMs: 1000, pingPath: '/nonexistent/ping' });
    assert.equal(r.up, false);
    assert.match(r.error, /^ping not found: install iputils-ping/);
  });

  test('a host that would be read as an option is refused before ping runs', async () => {
    for (const host of ['-f', '--help', '127.0.0.1 -c 1000', '']) {
      const r = await checkPing({ host, timeoutMs: 1000 });
      assert.equal(r.up, false);
      assert.match(r.error, /^invalid host for ping: /, host);
    }
  });

  test('a name that does not resolve says so', async () => {
    const r = await checkPing({ host: 'no-such-host.invalid', count: 1, timeoutMs: 3000 });
    assert.equal(r.up, false);
    assert.match(r.error, /^no-such-host\.invalid does not resolve|ping no-such-host\.invalid did not finish within 3s/);
  });
});

describe('checkPing() with packet loss in a network namespace', () => {
  const ns = `simplemon-test-${process.pid}`;
  let skip = null;
  let made = false;
  let child = null;
  const ip = (...args) => spawnSync('ip', args, { encoding: 'utf8' });
  const inNs = (...args) => ip('netns', 'exec', ns, ...args);

  before(() => {
    if (process.getuid?.() !== 0) return void (skip = 'needs root to create a network namespace');
    const add = ip('netns', 'add', ns);
    if (add.error || add.status !== 0) return void (skip = `ip netns add is not permitted here: ${(add.stderr || add.error?.message || '').trim()}`);
    made = true;
    const up = inNs('ip', 'link', 'set', 'lo', 'up');
    if (up.status !== 0) skip = `cannot bring lo up in the namespace: ${up.stderr.trim()}`;
  });

  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (made) ip('netns', 'del', ns);
  });

  test('ping 20 times with about half the packets lost: loss 10–90 %', async (t) => {
    if (skip) return t.skip(skip);
    const netem = inNs('tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'loss', '30%');
    const useNetem = netem.status === 0;
    if (!useNetem) t.diagnostic(`netem unavailable (${netem.stderr.trim()}): dropping replies with icmp_echo_ignore_all instead`);

    const code = `import { checkPing } from ${JSON.stringify(distPing)};
      process.stdout.write(JSON.stringify(await checkPing({ host: '127.0.0.1', count: 20, timeoutMs: 9000 })));`;
    child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((r) => child.once('close', r));

    if (!useNetem) {
      // Wait (polling) until ping runs in the namespace, let ~5 replies through, drop ~10, let the rest through.
      const t0 = Date.now();
      while (!pingRunningIn(ns)) {
        if (Date.now() - t0 > 8000) assert.fail('ping never started in the namespace');
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(inNs('sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1').status, 0);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(inNs('sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=0').status, 0);
    }
    await exited;
    assert.equal(child.exitCode, 0, err);
    const r = JSON.parse(out);
    t.diagnostic(`sent ${r.sent}, received ${r.received}, loss ${r.lossPercent}%, rtt avg ${r.rttAvgMs} ms`);
    assert.equal(r.sent, 20);
    assert.ok(r.lossPercent >= 10 && r.lossPercent <= 90, `loss ${r.lossPercent}%`);
    assert.equal(r.lossPercent, Math.round(((r.sent - r.received) / r.sent) * 1000) / 10);
    assert.equal(r.up, true);
    assert.equal(r.error, null);
    assert.ok(r.rttAvgMs > 0 && r.rttMaxMs >= r.rttAvgMs);
  });
});

/** Whether a `ping` process runs in the named network namespace (`ip netns pids`). */
function pingRunningIn(ns) {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).some((pid) => {
    const comm = join('/proc', pid.trim(), 'comm');
    try {
      return existsSync(comm) && readFileSync(comm, 'utf8').trim() === 'ping';
    } catch {
      return false; // gone between the listing and the read
    }
  });
}
