// `simplemon history` and `simplemon events` end to end: a week of recorded polls (written with synthetic
// times), a state file with an event log, and the built CLI run under a fake clock (libfaketime, when
// installed) so that "now" is the end of that week.
import test, { before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.mjs';
import { appendHistory } from '../../dist/history/store.js';
import { emptyState } from '../../dist/state/migrate.js';

const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const faked = existsSync(FAKETIME_LIB);
const NOW = faked ? Date.parse('2027-01-05T08:00:00Z') : Date.now();
const DAY = 86_400_000;
const H = 3_600_000;

// The synthetic supplies: black falls 3 points a day from 60 a week ago (13 days left now); cyan fell to
// 10, was replaced 4.5 days ago, and falls 2.5 a day since (88.75 now: 35.5 days left); both with ±1
// jitter, integer readings as printers give them; one −2 ("unknown") reading; the page count rises.
const TRUE_BLACK = 13;
const TRUE_CYAN = 35.5;
const REPLACED = NOW - 4.5 * DAY;

let dir;
let config;
const env = (extra = {}) => ({ TZ: 'UTC', ...(faked ? { FAKETIME: '@2027-01-05 08:00:00', LD_PRELOAD: FAKETIME_LIB } : {}), ...extra });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-e2e-history-'));
  config = join(dir, 'monitor.config.yaml');
  writeFileSync(
    config,
    [
      'state-file: state/simplemon.json',
      'printers:',
      '  - { name: x, address: 127.0.0.1, port: 1, snmp: { version: 2c, community: public } }',
      '  - { name: y, address: 127.0.0.1, port: 1, snmp: { version: 2c, community: public } }',
      '',
    ].join('\n'),
  );
  let seed = 11;
  const jitter = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.round((seed / 2147483648) * 2 - 1);
  };
  const hist = join(dir, 'state', 'history');
  for (let t = NOW - 7 * DAY; t <= NOW; t += 5 * 60_000) {
    const ago = (NOW - t) / DAY;
    const black = Math.round(60 - 3 * (7 - ago)) + jitter();
    const cyan = t < REPLACED ? Math.round(30 - 20 * (7 - ago) / 2.5) : Math.min(100, Math.round(100 - 2.5 * (4.5 - ago)) + jitter());
    const i = Math.round((t - (NOW - 7 * DAY)) / 300_000);
    await appendHistory(hist, new Date(t), [
      { id: 'printer/x', numbers: { black_toner: i === 1000 ? -2 : black, cyan_toner: Math.max(cyan, 0), page_count: 40000 + i * 3 } },
      { id: 'printer/y', numbers: { black_toner: 50 } },
    ]);
  }
  const state = emptyState();
  state.checkedAt = new Date(NOW - 60_000).toISOString();
  const ev = (ago, type, device, extra = {}) => ({ at: new Date(NOW - ago).toISOString(), type, device, ...extra });
  state.events = [
    ev(10 * DAY, 'transition', 'printer/x', { from: 'unknown', to: 'ok' }),
    ev(3 * DAY, 'transition', 'printer/y', { from: 'ok', to: 'critical', message: 'paper jam \x1b[31m' }),
    ev(2 * DAY, 'override-set', 'printer/y', { to: 'maintenance', message: 'engineer on site' }),
    ev(1 * DAY, 'transition', 'printer/x', { from: 'ok', to: 'warning', message: 'black toner 16% < 20%' }),
    ev(2 * H, 'ack', 'printer/x', { message: 'toner ordered' }),
  ];
  mkdirSync(join(dir, 'state'), { recursive: true });
  writeFileSync(join(dir, 'state', 'simplemon.json'), JSON.stringify(state), { mode: 0o600 });
});

test('history --json over a week: the toner forecasts are within 10 % of the synthetic decline, the replacement is found', async () => {
  const r = await cli(['history', 'printer/x', '--since', '7d', '--json', '--config', config], { env: env() });
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(r.stdout);
  assert.equal(h.device, 'printer/x');
  // the fake clock runs on from its start, so the poll exactly 7 days back may just fall out of the window
  assert.ok(h.polls === 7 * 288 + 1 || h.polls === 7 * 288, `${h.polls} polls`);
  const by = Object.fromEntries(h.numbers.map((n) => [n.key, n]));
  assert.deepEqual(Object.keys(by), ['black_toner', 'cyan_toner', 'page_count']);
  const black = by.black_toner.forecast;
  assert.ok(Math.abs(black.daysLeft - TRUE_BLACK) <= TRUE_BLACK * 0.1, `black: ${black.daysLeft} days vs ${TRUE_BLACK}`);
  assert.ok(Math.abs(black.ratePerDay - 3) <= 0.3);
  assert.equal(black.replacedAt, null);
  const cyan = by.cyan_toner.forecast;
  assert.ok(Math.abs(cyan.daysLeft - TRUE_CYAN) <= TRUE_CYAN * 0.1, `cyan: ${cyan.daysLeft} days vs ${TRUE_CYAN}`);
  assert.ok(Math.abs(Date.parse(cyan.replacedAt) - REPLACED) <= 10 * 60_000, `replaced at ${cyan.replacedAt}`);
  assert.equal(by.page_count.forecast, null, 'a rising counter has no forecast');
  assert.equal(by.page_count.latest, 40000 + 7 * 288 * 3);
  assert.equal(by.black_toner.min >= 0, true, 'the −2 sentinel is not a minimum');
  assert.deepEqual(h.events.map((e) => e.type), ['transition', 'ack'], "only this device's events in the window");
});

test('history draws a sparkline per number (blocks in a UTF-8 locale, ASCII under cron) and prints the forecast', async () => {
  const utf = await cli(['history', 'printer/x', '--since', '7d', '--config', config], { env: env({ LANG: 'C.UTF-8' }) });
  assert.equal(utf.code, 0, utf.stderr);
  const line = (out, key) => out.split('\n').find((l) => l.trim().startsWith(key));
  const black = line(utf.stdout, 'black_toner');
  assert.match(black, /[▁▂▃▄▅▆▇█]{12,}/, black);
  const days = Number(/0 in ([\d.]+) days/.exec(black)?.[1]);
  assert.ok(Math.abs(days - TRUE_BLACK) <= TRUE_BLACK * 0.1, black);
  assert.match(line(utf.stdout, 'cyan_toner'), /0 in \d+ days \(−2\.\d\/day\); replaced \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.match(utf.stdout, /^events:\n.*transition\s+ok → warning: black toner 16% < 20%\n.*ack\s+toner ordered\n$/m);
  // cron sets no LANG: ASCII bars
  const plain = await cli(['history', 'printer/x', '--since', '7d', '--config', config], { env: env() });
  assert.equal(plain.code, 0, plain.stderr);
  const bars = line(plain.stdout, 'black_toner');
  assert.match(bars, /[_.\-=#]{12,}/);
  assert.ok(!/[▁▂▃▄▅▆▇█]/.test(plain.stdout));
  // --metric and the default 24 h window
  const one = await cli(['history', 'printer/x', '--metric', 'page_count', '--config', config], { env: env() });
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^printer\/x: 28[89] poll\(s\) since .* \(24h\)$/m);
  assert.ok(line(one.stdout, 'page_count'));
  assert.equal(line(one.stdout, 'black_toner'), undefined);
});

test('history: an unknown device or a bad --since is a usage error (exit 2)', async () => {
  const r = await cli(['history', 'printer/nope', '--config', config], { env: env() });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown device "printer\/nope"/);
  assert.equal((await cli(['history', 'printer/x', '--since', 'lately', '--config', config], { env: env() })).code, 2);
});

test('events filters by --since, --device glob and --type, and cleans device text', async () => {
  const all = await cli(['events', '--json', '--config', config], { env: env() });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(JSON.parse(all.stdout).events.length, 5);
  const week = JSON.parse((await cli(['events', '--since', '7d', '--json', '--config', config], { env: env() })).stdout).events;
  assert.deepEqual(week.map((e) => e.type), ['transition', 'override-set', 'transition', 'ack']);
  const y = JSON.parse((await cli(['events', '--device', 'printer/y', '--json', '--config', config], { env: env() })).stdout).events;
  assert.deepEqual(y.map((e) => e.type), ['transition', 'override-set']);
  const tr = JSON.parse((await cli(['events', '--device', 'printer/*', '--type', 'transition', '--since', '7d', '--json', '--config', config], { env: env() })).stdout).events;
  assert.deepEqual(tr.map((e) => e.device), ['printer/y', 'printer/x']);
  const two = JSON.parse((await cli(['events', '--type', 'ack', 'override-set', '--json', '--config', config], { env: env() })).stdout).events;
  assert.deepEqual(two.map((e) => e.type), ['override-set', 'ack']);
  const text = await cli(['events', '--device', 'printer/y', '--config', config], { env: env() });
  assert.equal(text.code, 0, text.stderr);
  assert.ok(!text.stdout.includes('\x1b'), 'no raw escape from device text');
  assert.match(text.stdout, /transition\s+printer\/y\s+ok → critical: paper jam \\x1b\[31m/);
  assert.match(text.stdout, /override-set\s+printer\/y\s+maintenance: engineer on site/);
  const none = await cli(['events', '--type', 'device-removed', '--config', config], { env: env() });
  assert.match(none.stdout, /^no events of type device-removed/);
  const bad = await cli(['events', '--type', 'explosion', '--config', config], { env: env() });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--type "explosion" is not an event type/);
});
