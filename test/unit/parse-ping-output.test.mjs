// parsePingOutput() on real iputils 20221126 output captured on this kind of machine (Debian 12, LC_ALL=C),
// in test/fixtures/ping: 0 % loss, 50 % loss (replies switched off mid-run with
// net.ipv4.icmp_echo_ignore_all in a network namespace), 100 % loss, an unknown host, no permission
// (an unprivileged user namespace), and a loopback that is down.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePingOutput } from '../../dist/protocols/ping/parse-ping-output.js';

const sample = (name) => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ping', `${name}.txt`), 'utf8');

describe('parsePingOutput()', () => {
  test('0 % loss: counts and round trips', () => {
    assert.deepEqual(parsePingOutput(sample('ok')), {
      sent: 5, received: 5, lossPercent: 0, rttMinMs: 0.023, rttAvgMs: 0.028, rttMaxMs: 0.033, error: null,
    });
  });

  test('partial loss: 10 of 20 back is 50 %', () => {
    assert.deepEqual(parsePingOutput(sample('partial')), {
      sent: 20, received: 10, lossPercent: 50, rttMinMs: 0.031, rttAvgMs: 0.058, rttMaxMs: 0.222, error: null,
    });
  });

  test('100 % loss: counts, no round trips, no error line', () => {
    for (const [name, sent] of [['total', 5], ['unreach', 2]]) {
      assert.deepEqual(parsePingOutput(sample(name)), {
        sent, received: 0, lossPercent: 100, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, error: null,
      }, name);
    }
  });

  test('an unknown host: the name and the resolver\'s words', () => {
    const r = parsePingOutput(sample('unknown'));
    assert.equal(r.sent, null);
    assert.equal(r.error, 'nosuchhost.invalid does not resolve (Name or service not known)');
  });

  test('no permission for a raw socket: "ping: permission denied" with the remedy', () => {
    const r = parsePingOutput(sample('denied'));
    assert.equal(r.sent, null);
    assert.match(r.error, /^ping: permission denied: socket: Operation not permitted \(ping needs CAP_NET_RAW/);
  });

  test('duplicates and errors in the summary line; a fractional loss is computed to one decimal', () => {
    const text = '--- 10.0.0.1 ping statistics ---\n3 packets transmitted, 2 received, +1 duplicates, +1 errors, 33.3333% packet loss, time 402ms\nrtt min/avg/max/mdev = 1.5/2.25/3/0.6 ms, pipe 2\n';
    assert.deepEqual(parsePingOutput(text), { sent: 3, received: 2, lossPercent: 33.3, rttMinMs: 1.5, rttAvgMs: 2.25, rttMaxMs: 3, error: null });
  });

  test('output with neither statistics nor an error line says so', () => {
    assert.equal(parsePingOutput('').error, 'ping printed nothing');
    assert.match(parsePingOutput('PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n').error, /^no statistics in ping's output: PING 127\.0\.0\.1/);
  });
});
