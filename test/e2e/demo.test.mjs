// `simplemon demo` end to end (node bin/simplemon demo, never a TTY): the three faults injected between
// the polls (a toner runs low, a VM goes hot, a printer vanishes) reach the emails the demo's SMTP
// server received and the status table; the check line; nothing left behind (no process, no port, no
// folder); and with --keep, status, history and the saved mail work on the kept folder afterwards.
// No Go, no snmpsim: the demo brings its own peers.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.mjs';

/** The sections of the demo's output: before the faults, and after. */
function split(stdout) {
  const i = stdout.indexOf('── faults injected ──');
  assert.ok(i > 0, stdout);
  return { first: stdout.slice(0, i), second: stdout.slice(i) };
}

/** The emails one poll printed, as { subject, body } (the demo prints them boxed: ┌ │ └). */
function mailsOf(section) {
  const out = [];
  for (const m of section.matchAll(/ {2}┌ To: .*\n((?: {2}│.*\n)+) {2}└/g)) {
    const lines = m[1].split('\n').map((l) => l.replace(/^ {2}│ ?/, ''));
    out.push({ subject: lines[0].replace(/^Subject: /, ''), body: lines.slice(1).join('\n') });
  }
  return out;
}

/** Ports the demo said it used: { udp: [...], tcp: [...] }. */
function portsOf(stdout) {
  return {
    udp: [...stdout.matchAll(/udp\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])),
    tcp: [...stdout.matchAll(/(?:tcp\/127\.0\.0\.1:|http:\/\/127\.0\.0\.1:)(\d+)/g)].map((m) => Number(m[1])),
  };
}

const canBindTcp = (port) =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
const canBindUdp = (port) =>
  new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** Processes that carry the marker in their environment (anything the demo started would inherit it). */
function processesWith(marker) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) found.push(pid);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

test('simplemon demo: the three faults reach the emails and the status, then a check line; nothing is left behind', async () => {
  const marker = `SIMPLEMON_DEMO_TEST=${randomUUID()}`;
  const r = await cli(['demo'], { env: { [marker.split('=')[0]]: marker.split('=')[1] } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const { first, second } = split(r.stdout);

  // poll 1: the site as recorded, one email with what is already wrong
  const mails1 = mailsOf(first);
  assert.equal(mails1.length, 1, first);
  assert.equal(mails1[0].subject, '[simplemon] 2 problems');
  assert.match(mails1[0].body, /CRITICAL \(new\)\s+printer warehouse/);
  assert.match(mails1[0].body, /printer-status: device status warning; errors: doorOpen, jammed/);
  assert.match(mails1[0].body, /WARNING \(new\)\s+host DC0_C0_H3/);
  assert.match(first, /│ DC0_C0_RP0_VM2 │ ok\s+│/);
  assert.match(first, /│ accounts\s+│ ok\s+│/);

  // poll 2: the three faults and the recovery, in the one digest the mail server received
  const mails2 = mailsOf(second);
  assert.equal(mails2.length, 1, second);
  assert.equal(mails2[0].subject, '[simplemon] 3 problems, 1 recovered');
  const body = mails2[0].body;
  assert.match(body, /CRITICAL \(was ok\)\s+printer reception\s+\[printer\/reception\]\n\s+critical since .*\n\s+toner-low: yellow toner 9% < 20%/);
  assert.match(body, /CRITICAL \(was ok\)\s+vm DC0_C0_RP0_VM2\s+\[vm\/lab\/DC0_C0_RP0_VM2\]\n\s+critical since .*\n\s+cpu: CPU 97% > 80%/);
  assert.match(body, /UNKNOWN \(was ok\)\s+printer accounts\s+\[printer\/accounts\]\n\s+unknown since .*\n\s+reachable: timeout after 1s/);
  assert.match(body, /OK \(was critical\)\s+printer warehouse/);
  assert.doesNotMatch(body, /=\r?$|=[0-9A-F]{2}/m, 'the text body is decoded, not quoted-printable');

  // … and in the status table after poll 2
  assert.match(second, /│ reception\s+│ critical │.*yellow 9%.*│ yellow toner 9% < 20%/);
  assert.match(second, /│ accounts\s+│ unknown\s+│.*│ timeout after 1s/);
  assert.match(second, /│ DC0_C0_RP0_VM2 │ critical │.*│ 97% │.*│ CPU 97% > 80%/);
  assert.match(second, /│ warehouse\s+│ ok\s+│/);
  assert.match(second, /simplemon: 18 devices — 14 ok, 1 warning, 2 critical, 1 unknown/);

  // the plugin line, with its exit code
  assert.match(second, /^SIMPLEMON CRITICAL - vm\/lab\/DC0_C0_RP0_VM2: CPU 97% > 80% \| 'cpu'=97%;;80;0;100 /m);
  assert.match(second, /\(exit 2: CRITICAL\)/);

  // cleaned up: folder, ports, processes
  const dir = /folder {4}(\S+)/.exec(r.stdout)?.[1];
  assert.ok(dir && dir.includes('simplemon-demo-'), r.stdout);
  assert.equal(existsSync(dir), false, 'the temp folder is removed');
  assert.match(r.stdout, /Run `simplemon demo --keep` to keep it/);
  const ports = portsOf(r.stdout);
  assert.equal(ports.udp.length, 3, 'three printer agents');
  assert.equal(ports.tcp.length, 2, 'the vCenter replay and the SMTP server');
  for (const p of ports.udp) assert.ok(await canBindUdp(p), `udp port ${p} is free again`);
  for (const p of ports.tcp) assert.ok(await canBindTcp(p), `tcp port ${p} is free again`);
  assert.deepEqual(processesWith(marker), [], 'no process started by the demo is left');
});

test('simplemon demo --keep: the folder stays, and status, history, events and the saved mail work on it afterwards', async () => {
  const r = await cli(['demo', '--keep']);
  assert.equal(r.code, 0, r.stderr);
  const dir = /folder {4}(\S+)/.exec(r.stdout)?.[1];
  try {
    assert.ok(dir && existsSync(dir), r.stdout);
    assert.match(r.stdout, /The simulated printers, vCenter and mail server are gone/);
    const config = join(dir, 'monitor.config.yaml');
    assert.ok(r.stdout.includes(`simplemon status --config ${config}`), r.stdout);
    assert.ok(r.stdout.includes(`simplemon history printer/reception --config ${config}`), r.stdout);

    const status = await cli(['status', '--json', '--config', config]);
    assert.equal(status.code, 0, status.stderr);
    const byId = Object.fromEntries(JSON.parse(status.stdout).devices.map((d) => [d.id, d.state]));
    assert.equal(byId['printer/reception'], 'critical');
    assert.equal(byId['printer/accounts'], 'unknown');
    assert.equal(byId['vm/lab/DC0_C0_RP0_VM2'], 'critical');

    const history = await cli(['history', 'printer/reception', '--json', '--config', config]);
    assert.equal(history.code, 0, history.stderr);
    const h = JSON.parse(history.stdout);
    assert.equal(h.polls, 2);
    const yellow = h.numbers.find((n) => n.key === 'yellow_toner');
    assert.deepEqual(yellow.points.map((p) => p[1]), [26, 9], 'the yellow toner of both polls is in the kept history');

    const events = await cli(['events', '--config', config]);
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, /printer\/accounts/);

    const mails = readdirSync(join(dir, 'mail')).filter((f) => f.endsWith('.eml')).sort();
    assert.deepEqual(mails, ['001.eml', '002.eml']);
    assert.match(readFileSync(join(dir, 'mail', '002.eml'), 'utf8'), /^Subject: \[simplemon\] 3 problems, 1 recovered\r?$/m);
  } finally {
    if (dir && dir.includes('simplemon-demo-')) rmSync(dir, { recursive: true, force: true });
  }
});
