// The crontab line and systemd units that `simplemon cron` writes, built from absolute paths (pure).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  CRON_MARK,
  cronLine,
  installLine,
  isManagedLine,
  otherSimplemonLines,
  parseEvery,
  pollTimeoutSeconds,
  removeLine,
  shellQuote,
  systemdQuote,
  systemdUnits,
} from '../../dist/app/cron-line.js';

const P = { node: '/usr/bin/node', bin: '/usr/lib/node_modules/simplemon/bin/simplemon', config: '/etc/simplemon/monitor.config.yaml' };

test('parseEvery maps the intervals cron can run evenly to a schedule and an OnCalendar', () => {
  const rows = [
    ['1m', '* * * * *', 'minutely'],
    ['2m', '*/2 * * * *', '*:0/2'],
    ['5m', '*/5 * * * *', '*:0/5'],
    ['5min', '*/5 * * * *', '*:0/5'],
    ['15m', '*/15 * * * *', '*:0/15'],
    ['30m', '*/30 * * * *', '*:0/30'],
    ['60m', '0 * * * *', 'hourly'],
    ['1h', '0 * * * *', 'hourly'],
  ];
  for (const [text, schedule, onCalendar] of rows) {
    const e = parseEvery(text);
    assert.equal(e.schedule, schedule, text);
    assert.equal(e.onCalendar, onCalendar, text);
  }
});

test('parseEvery refuses what cron cannot express evenly, with a message saying why and what to use', () => {
  assert.throws(() => parseEvery('7m'), /--every 7m: cron cannot run a job every 7m evenly .*N must divide 60.*use one of 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m or 1h/);
  assert.throws(() => parseEvery('45m'), /cannot run a job every 45m evenly/);
  for (const bad of ['0m', '90m', '2h']) assert.throws(() => parseEvery(bad), /between once a minute and once an hour/, bad);
  for (const bad of ['5', '30s', 'often', '']) assert.throws(() => parseEvery(bad), /give minutes or hours/, bad);
});

test('cronLine: schedule, absolute node, bin and config, the poll command and the mark', () => {
  assert.equal(
    cronLine('*/5 * * * *', P),
    `*/5 * * * * /usr/bin/node /usr/lib/node_modules/simplemon/bin/simplemon --config /etc/simplemon/monitor.config.yaml poll ${CRON_MARK}`,
  );
  assert.match(cronLine('*/5 * * * *', P, 'root'), /^\*\/5 \* \* \* \* root \/usr\/bin\/node /, 'cron.d lines carry the user field');
  assert.throws(() => cronLine('* * * * *', { ...P, config: 'monitor.config.yaml' }), /config path must be absolute/);
  assert.throws(() => cronLine('* * * * *', { ...P, config: '/tmp/a\nb.yaml' }), /line break/);
});

test("cronLine quotes for /bin/sh and escapes every % so cron's newline rule cannot cut the command", () => {
  const line = cronLine('* * * * *', { ...P, config: "/srv/it's 100% mine/monitor.config.yaml" });
  assert.ok(line.includes(`'/srv/it'\\''s 100\\% mine/monitor.config.yaml'`), line);
  assert.ok(!/(^|[^\\])%/.test(line), 'no unescaped %');
  // what /bin/sh receives after cron removed the backslashes: the path as one argument
  const command = line.slice('* * * * * '.length, -CRON_MARK.length).replace(/\\%/g, '%');
  const argv = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${command.replace(/^\S+ \S+/, '')}`], { encoding: 'utf8' }).trimEnd().split('\n');
  assert.deepEqual(argv, ['--config', "/srv/it's 100% mine/monitor.config.yaml", 'poll']);
  assert.equal(shellQuote('plain/path-1.2'), 'plain/path-1.2');
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote('$HOME'), "'$HOME'");
});

test('installLine appends one marked line, keeps every other line byte for byte, and ends with a newline', () => {
  const line = cronLine('*/5 * * * *', P);
  const before = 'MAILTO=ops@example.org\n# backups\n0 3 * * * /usr/local/bin/backup  --full   \n@reboot echo hi'; // no final newline
  const r = installLine(before, line);
  assert.equal(r.replaced, false);
  assert.equal(r.text, `${before}\n${line}\n`);
  assert.equal(installLine('', line).text, `${line}\n`);
});

test('installLine twice gives the same text; a changed line replaces the old one in place; duplicates are dropped', () => {
  const old = cronLine('*/5 * * * *', P);
  const text = `A=1\n${old}\n0 3 * * * backup\n`;
  assert.deepEqual(installLine(text, old), { text, replaced: true });
  const now = cronLine('*/15 * * * *', P);
  assert.equal(installLine(text, now).text, `A=1\n${now}\n0 3 * * * backup\n`);
  assert.equal(installLine(`${old}\nB=2\n${old}\n`, now).text, `${now}\nB=2\n`);
  assert.equal(installLine(`# ${old}\n`, now).text, `${now}\n`, 'a commented-out managed line is the managed line');
});

test('removeLine removes only the marked line; nothing else changes, also without a final newline', () => {
  const line = cronLine('*/5 * * * *', P);
  assert.deepEqual(removeLine(`A=1\n${line}\n0 3 * * * backup\n`), { text: 'A=1\n0 3 * * * backup\n', removed: 1 });
  assert.deepEqual(removeLine('A=1\n0 3 * * * backup'), { text: 'A=1\n0 3 * * * backup', removed: 0 });
  assert.deepEqual(removeLine(`${line}\n`), { text: '', removed: 1 });
  assert.ok(isManagedLine(`${line}  `));
  assert.ok(!isManagedLine('*/5 * * * * simplemon poll'));
});

test('otherSimplemonLines finds a hand-written poll entry that would poll a second time', () => {
  const text = `SIMPLEMON_CONFIG=/etc/simplemon/monitor.config.yaml\n*/5 * * * * root /usr/local/bin/simplemon poll\n# */5 * * * * simplemon poll\n${cronLine('*/5 * * * *', P)}\n`;
  assert.deepEqual(otherSimplemonLines(text), ['*/5 * * * * root /usr/local/bin/simplemon poll']);
});

test('pollTimeoutSeconds bounds a poll from the config timeouts, doubled, at least 60 s', () => {
  const base = { lockTimeoutMs: 60_000, defaults: { timeoutMs: 2000, retries: 1, concurrency: 32 }, printers: [], vcenters: [], email: null };
  assert.equal(pollTimeoutSeconds(base), 120, 'the lock wait alone, doubled');
  assert.equal(pollTimeoutSeconds({ ...base, lockTimeoutMs: 1000 }), 60, 'never below 60 s');
  const printers = Array.from({ length: 40 }, () => ({ timeoutMs: 2000, retries: 1 }));
  // 2 batches × 2 s × 2 tries × 2 rounds = 16 s
  assert.equal(pollTimeoutSeconds({ ...base, printers }), 2 * (60 + 16));
  // 30 s × (5 + 10 pages) = 450 s, larger than the printers; plus email 10 s × 4
  const vcenters = [{ timeoutMs: 30_000, pageSize: 1000 }];
  assert.equal(pollTimeoutSeconds({ ...base, printers, vcenters, email: { smtp: { timeoutMs: 10_000 } } }), 2 * (60 + 450 + 40));
});

test('systemd units: oneshot service with the absolute command and a timeout, a persistent timer', () => {
  const u = systemdUnits(parseEvery('5m'), { ...P, config: '/srv/100% $HOME/monitor.config.yaml' }, { timeoutSec: 136, user: 'simplemon' });
  assert.match(u.service, /^Type=oneshot$/m);
  assert.match(u.service, /^User=simplemon$/m);
  assert.match(u.service, /^TimeoutStartSec=136$/m);
  assert.ok(u.service.includes('ExecStart=/usr/bin/node /usr/lib/node_modules/simplemon/bin/simplemon --config "/srv/100%% $$HOME/monitor.config.yaml" poll\n'), u.service);
  assert.match(u.timer, /^OnCalendar=\*:0\/5$/m);
  assert.match(u.timer, /^Persistent=true$/m);
  assert.match(u.timer, /^WantedBy=timers\.target$/m);
  assert.doesNotMatch(systemdUnits(parseEvery('1h'), P, { timeoutSec: 60 }).service, /User=/);
  assert.equal(systemdQuote('a"b\\c'), '"a\\"b\\\\c"');
});
