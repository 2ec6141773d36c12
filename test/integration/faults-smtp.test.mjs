// The fault suite, SMTP part: a mail server that refuses connections, never greets, trickles its
// replies, closes mid-DATA, answers 421 or 451 for three polls, or 550. Every poll's delivery ends
// within its budget (each message's whole exchange within `timeout`), and each owed email is
// delivered exactly once when the server is back (550: kept as failed; `alerts retry` sends it once).
// Then, through the CLI: draining an outbox saves after each delivered email, so a poll killed in the
// middle never resends what was already delivered. The server is a scripted raw TCP server
// (test/helpers/raw-smtp.mjs) on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../dist/config/load.js';
import { createEmailNotifier } from '../../dist/notify/email-notifier.js';
// the state with the notifier's section, as the commands open it
import { openAppState as openState, readAppState as readState } from '../../dist/app/state.js';
import { alertsRetry } from '../../dist/cli/commands/alerts.js';
import { startRawSmtp } from '../helpers/raw-smtp.mjs';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { BIN, cli, repo } from '../helpers/cli.mjs';

const TIMEOUT_MS = 2000;
/** Generous on a loaded 2-core machine; the old code ran for tens of seconds. */
const MARGIN_MS = 4000;
const NOW = new Date('2026-12-01T06:00:00.000Z');
const at = (min) => new Date(NOW.getTime() + min * 60_000);

let dir;
let seq = 0;
const servers = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-faults-smtp-'));
});
after(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function server() {
  const s = await startRawSmtp();
  servers.push(s);
  return s;
}

function makeConfig(port, extra = []) {
  const yaml = [
    `state-file: ${join(dir, `state-${++seq}.json`)}`,
    'lock-timeout: 5s',
    'email:',
    `  smtp: { host: 127.0.0.1, port: ${port}, require-tls: false, timeout: ${TIMEOUT_MS}ms }`,
    '  from: simplemon@example.test',
    '  recipients: [ops@example.test]',
    ...extra,
    '',
  ].join('\n');
  return parseConfig(yaml, join(dir, 'monitor.config.yaml'), { env: {} });
}

function dv(id, state) {
  const [kind, ...rest] = id.split('/');
  const problems = state === 'ok' ? [] : [{ rule: 'toner-low', severity: state, message: 'black toner 3% < 20%' }];
  return { id, kind, name: rest.at(-1), target: '127.0.0.2', state, realState: state, since: NOW.toISOString(), problems, override: null, maintenance: null, ack: null, blockedBy: null, lastSeen: null, metrics: {} };
}
const PROBLEM = [dv('printer/office-1', 'critical')];

/** One poll's alerting as run-poll wires it (plan, save, deliver saving after each email, save); timed. */
async function poll(cfg, now) {
  const notifier = createEmailNotifier(cfg);
  const store = await openState(cfg.stateFile, { lockTimeoutMs: 5000, command: 'test poll' });
  try {
    notifier.plan(store.data.notify, { now, transitions: [], views: PROBLEM });
    await store.save();
    const t0 = performance.now();
    const report = await notifier.deliver(store.data.notify, now, () => store.save());
    const ms = performance.now() - t0;
    await store.save();
    return { report, ms };
  } finally {
    await store.close();
  }
}

describe('SMTP faults: bounded polls, each owed email delivered exactly once', { timeout: 180_000 }, () => {
  const faults = [
    ['refusing connections', 'down', /ECONNREFUSED|refused/],
    ['never greeting', 'silent', /timeout after 2000 ms/],
    ['trickling its replies (a byte every 250 ms)', 'trickle', /timeout after 2000 ms \(no complete exchange/],
    ['closing mid-DATA', 'close-mid-data', /closed|ECONNRESET|ESOCKET|EPROTOCOL|Connection/i],
    ['answering 421 at the greeting', '421', /421/],
    ['answering 451 after DATA', '451', /451/],
  ];
  for (const [what, mode, why] of faults) {
    test(`a server ${what} for 3 polls: each poll ends within timeout + margin, the email stays owed; then it arrives once`, async () => {
      const smtp = await server();
      const cfg = makeConfig(smtp.port);
      if (mode === 'down') await smtp.down();
      else smtp.mode = mode;
      for (let i = 0; i < 3; i++) {
        const { report, ms } = await poll(cfg, at(i * 5));
        assert.ok(ms < TIMEOUT_MS + MARGIN_MS, `poll ${i + 1}: delivery took ${Math.round(ms)} ms`);
        assert.equal(report.sent, 0);
        assert.equal(report.deferred, 1);
        assert.match(report.lines.join('\n'), why);
      }
      const owed = (await readState(cfg.stateFile)).notify.outbox;
      assert.deepEqual(owed.map((e) => [e.status, e.attempts]), [['pending', 3]]);
      if (mode === 'down') await smtp.up();
      smtp.mode = 'ok';
      const back = await poll(cfg, at(20));
      assert.equal(back.report.sent, 1, back.report.lines.join('\n'));
      await poll(cfg, at(25));
      assert.deepEqual(smtp.received.map((m) => m.messageId), [owed[0].messageId], 'exactly once, under the Message-ID owed since the first poll');
      assert.equal((await readState(cfg.stateFile)).notify.outbox.length, 0);
    });
  }

  test('a slow server (each email takes 1.2 s of a 2 s timeout): a poll starts emails only during timeout, the rest wait for the next poll', async () => {
    const smtp = await server();
    const cfg = makeConfig(smtp.port, ['  mode: per-device']);
    smtp.dataDelayMs = 1200;
    const views = ['a', 'b', 'c'].map((n) => dv(`printer/${n}`, 'critical'));
    const notifier = createEmailNotifier(cfg);
    const store = await openState(cfg.stateFile, { lockTimeoutMs: 5000, command: 'test poll' });
    let report;
    let ms;
    try {
      notifier.plan(store.data.notify, { now: at(0), transitions: [], views });
      await store.save();
      const t0 = performance.now();
      report = await notifier.deliver(store.data.notify, at(0), () => store.save());
      ms = performance.now() - t0;
      await store.save();
    } finally {
      await store.close();
    }
    assert.ok(ms < 2 * TIMEOUT_MS + MARGIN_MS, `delivery took ${Math.round(ms)} ms`);
    // two fit in a quiet machine; a loaded one may fit only one: either way the round stops starting emails at 2 s
    assert.ok(report.sent >= 1 && report.deferred >= 1 && report.sent + report.deferred === 3, JSON.stringify(report));
    assert.match(report.lines.join('\n'), /\d message\(s\) left for the next poll \(this poll's time for email, 2000 ms, is used up\)/);
    const owed = (await readState(cfg.stateFile)).notify.outbox;
    assert.equal(owed.length, report.deferred);
    smtp.dataDelayMs = 0;
    const again = await openState(cfg.stateFile, { lockTimeoutMs: 5000, command: 'test poll' });
    try {
      await createEmailNotifier(cfg).deliver(again.data.notify, at(5), () => again.save());
    } finally {
      await again.close();
    }
    const ids = smtp.received.map((m) => m.messageId);
    assert.equal(ids.length, 3);
    assert.equal(new Set(ids).size, 3, 'each email once');
    assert.deepEqual(ids.slice(report.sent), owed.map((e) => e.messageId));
  });

  test('550: kept as failed, polls do not resend it, alerts retry sends it once', async () => {
    const smtp = await server();
    const cfg = makeConfig(smtp.port);
    smtp.mode = '550';
    const { report } = await poll(cfg, at(0));
    assert.equal(report.failed, 1);
    await poll(cfg, at(5));
    let s = await readState(cfg.stateFile);
    assert.deepEqual(s.notify.outbox.map((e) => [e.status, e.attempts]), [['failed', 1]]);
    smtp.mode = 'ok';
    await poll(cfg, at(10));
    assert.equal(smtp.received.length, 0, 'a poll does not retry a message refused for good');
    const r = await alertsRetry(cfg, { now: at(15) });
    assert.equal(r.exitCode, 0, r.output);
    assert.match(await alertsRetry(cfg, { now: at(16) }).then((x) => x.output), /no emails pending/);
    assert.deepEqual(smtp.received.map((m) => m.messageId), [s.notify.outbox[0].messageId]);
  });
});

describe('CLI: an outbox drained after an outage is saved after each delivered email', { timeout: 180_000 }, () => {
  let snmp;
  let smtp;
  let cdir;
  let config;
  before(async () => {
    snmp = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec')] });
    smtp = await server();
    cdir = mkdtempSync(join(tmpdir(), 'simplemon-faults-drain-'));
    config = join(cdir, 'monitor.config.yaml');
    // three printers low on toner, one email each (per-device)
    writeFileSync(
      config,
      [
        'state-file: state.json',
        'defaults: { timeout: 1s, retries: 0 }',
        'printers:',
        ...['a', 'b', 'c'].map((n) => `  - { name: ${n}, address: 127.0.0.1, port: ${snmp.port}, snmp: { version: 2c, community: colour-laser } }`),
        'email:',
        `  smtp: { host: 127.0.0.1, port: ${smtp.port}, require-tls: false, timeout: 5s }`,
        '  from: simplemon@example.test',
        '  recipients: [ops@example.test]',
        '  mode: per-device',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await snmp?.stop();
    if (cdir) rmSync(cdir, { recursive: true, force: true });
  });

  test('poll killed (SIGKILL) while the third email is in flight: the next poll sends only the third', async () => {
    await smtp.down();
    const outage = await cli(['poll', '--config', config]);
    assert.equal(outage.code, 0, outage.stderr);
    const stateFile = join(cdir, 'state.json');
    const owed = JSON.parse(readFileSync(stateFile, 'utf8')).notify.outbox;
    assert.equal(owed.length, 3, 'three emails owed after the outage');

    await smtp.up();
    smtp.mode = 'ok';
    smtp.holdMessage = 3; // the server takes two, then holds the third's end of DATA
    const child = spawn(process.execPath, [BIN, 'poll', '--config', config], { env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // wait (polling, bounded) until the third message is in flight, then kill the poll there
      const deadline = Date.now() + 20_000;
      while (smtp.messages < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(smtp.messages, 3, 'the third message reached the server');
      assert.equal(smtp.received.length, 2);
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const onDisk = JSON.parse(readFileSync(stateFile, 'utf8')).notify;
    assert.deepEqual(onDisk.outbox.map((e) => e.messageId), [owed[2].messageId], 'the two delivered emails left the outbox on disk before the kill');
    assert.deepEqual(onDisk.history.map((h) => h.messageId), [owed[0].messageId, owed[1].messageId]);

    smtp.holdMessage = 0;
    const next = await cli(['poll', '--config', config]);
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(smtp.received.map((m) => m.messageId), owed.map((e) => e.messageId), 'each email delivered exactly once');
  });
});
