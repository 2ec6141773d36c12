// The status page in a real browser: Debian's headless Chromium loads the file, dumps the DOM it built,
// and takes screenshots at desktop and phone sizes.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtmlPage, escapeHtml, sparkline } from '../../dist/render/html.js';
import { NOW, POLLED, printer, host, vm, supply, numbersOf } from '../helpers/views.mjs';

const CHROMIUM = ['chromium', 'chromium-browser'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
const SKIP = CHROMIUM ? false : 'chromium is not installed (Debian package chromium)';

const EVIL = '<script>alert(1)</script>';
const views = [
  host('vc1', 'esx1', { cpuPercent: 42.5, memPercent: 71, gpus: [{ name: 'NVIDIA A2', vendor: 'NVIDIA', memoryMB: 16384, utilizationPercent: 37, memUsedPercent: 10, temperatureC: 54 }] }),
  host('vc1', 'esx2', { state: 'critical', problems: [{ rule: 'cpu', severity: 'critical', message: 'CPU 93.1% > 80%' }], cpuPercent: 93.1, memPercent: 88 }),
  vm('vc1', 'db-01', { state: 'warning', problems: [{ rule: 'disk-free', severity: 'warning', message: 'disk C:\\ free 8% < 10%' }], disks: [{ path: 'C:\\', capacityBytes: 107374182400, freeBytes: 8589934592, freePercent: 8 }],
    ack: { reason: 'cleanup ticket #4411', by: 'ann', since: '2026-11-24T04:00:00.000Z' } }),
  vm('vc1', 'web-01', { maintenance: { source: 'patch-night', reason: 'monthly patching', until: '2026-11-24T08:00:00.000Z' } }),
  printer('office-1', { state: 'critical', problems: [{ rule: 'toner-low', severity: 'critical', message: 'black toner 12% < 20%' }],
    supplies: [supply('1.1', 'Black Toner', 12), supply('1.2', 'Cyan Toner', 64), supply('1.3', 'Magenta Toner', 58), supply('1.4', 'Yellow Toner', 77)] }),
  printer('evil', { name: EVIL, supplies: [supply('1.1', '<img src=x onerror=alert(2)> toner', 45)] }),
  printer('lobby', { state: 'unknown', problems: [{ rule: 'reachable', severity: 'unknown', message: 'unreachable: timeout after 2s' }], lastSeen: '2026-11-23T22:00:00.000Z' }),
  printer('hall', { override: { state: 'ok', reason: 'toner ordered, arrives Monday', by: 'bob', since: POLLED, until: '2026-11-30T08:00:00.000Z' }, realState: 'critical',
    supplies: [supply('1.1', 'Black Toner', 5)] }),
];

// a day of history, one point every 30 min: toner falling, CPU climbing, a gap while unreachable
const history = new Map();
const pts = (f) => Array.from({ length: 49 }, (_, i) => ({ t: NOW.getTime() - (48 - i) * 1_800_000, v: f(i) }));
history.set('printer/office-1', pts((i) => ({ black_toner: 40 - i * 0.58, cyan_toner: 70 - i * 0.12, pages: 48000 + i * 5 })));
history.set('host/vc1/esx2', pts((i) => ({ cpu: i > 20 && i < 24 ? null : 40 + i * 1.1, memory: 80 + (i % 5) })));

let dir;
let file;
let html;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'simplemon-html-'));
  file = join(dir, 'status.html');
  html = renderHtmlPage(views, { numbersOf, now: NOW, checkedAt: POLLED, stale: false, history, title: 'simplemon — ACME IT' });
  writeFileSync(file, html);
});

after(() => {
  if (dir && !process.env.KEEP_HTML) rmSync(dir, { recursive: true, force: true });
});

/** Run chromium in its own process group and kill the whole group after `ms`: it must never hang the suite. */
function chromium(args, ms = 45_000) {
  return new Promise((resolve) => {
    const profile = mkdtempSync(join(tmpdir(), 'simplemon-chromium-'));
    const child = spawn(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        '--disable-dev-shm-usage', `--user-data-dir=${profile}`, ...args],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(killGroup, ms);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(); // helpers (zygote, utility processes) that outlive the browser
      rmSync(profile, { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function pngSize(path) {
  const b = readFileSync(path);
  assert.deepEqual([...b.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bytes: b.length };
}

test('the page is self-contained: no scripts, no external src/href, no fonts or images from elsewhere', () => {
  assert.ok(!/<script/i.test(html), 'no <script');
  assert.ok(!/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i.test(html), 'no http(s) src or href');
  assert.ok(!/url\(|@import|<link|<img|<iframe|<object|<embed/i.test(html), 'no fetched resources');
  for (const m of html.matchAll(/\shref="([^"]*)"/g)) assert.match(m[1], /^#d\d+$/, 'only links inside the page');
  assert.match(html, /<meta http-equiv="refresh" content="60">/);
});

test('device text is escaped everywhere: names, supplies, messages, reasons', () => {
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt; toner'));
  assert.ok(!html.includes('<img'));
  assert.equal(escapeHtml(`a&b<c>"d'\x1b`), 'a&amp;b&lt;c&gt;&quot;d&#39;\\x1b');
});

test('Chromium: problems render before the ok devices, worst first; the <script> device is text, not a script', { skip: SKIP }, async () => {
  const r = await chromium(['--dump-dom', pathToFileURL(file).href]);
  assert.equal(r.signal, null, `chromium was killed (timeout): ${r.stderr.slice(-500)}`);
  assert.equal(r.code, 0, r.stderr.slice(-1000));
  const dom = r.stdout;
  assert.match(dom, /<section id="problems">/);
  assert.equal((dom.match(/<script/gi) ?? []).length, 0, 'no script element in the DOM');
  assert.ok(dom.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the name shows as text');
  const problems = dom.slice(dom.indexOf('<section id="problems">'), dom.indexOf('</section>', dom.indexOf('<section id="problems">')));
  const order = [...problems.matchAll(/<a class="dev" href="#d\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
  assert.deepEqual(order, ['host/vc1/esx2', 'printer/office-1', 'vm/vc1/db-01', 'printer/lobby']);
  const firstOk = dom.indexOf('class="r-ok"');
  assert.ok(firstOk > dom.indexOf('</section>', dom.indexOf('<section id="problems">')), 'problems section before any ok device');
  // notes with their reasons, and the state written as a word beside its colour
  assert.match(dom, /acknowledged<\/span> by ann [^:]*: cleanup ticket #4411/);
  assert.match(dom, /maintenance<\/span> until 2026-11-24 08:00 UTC: monthly patching/);
  assert.match(dom, /override ok<\/span> by bob, until 2026-11-30 08:00 UTC: toner ordered, arrives Monday \(real state: critical\)/);
  assert.match(dom, /<span class="st st-critical">CRITICAL<\/span>/);
  // bars and sparklines made it into the DOM
  assert.match(dom, /<span class="fill f-critical" style="width:\s*12(\.0)?%/);
  assert.ok((dom.match(/<polyline /g) ?? []).length >= 4, 'sparklines (with a gap the CPU line has two runs)');
});

test('Chromium: screenshots at 1280×900 and 390×844 (phone) are real pictures', { skip: SKIP }, async () => {
  for (const [w, h] of [[1280, 900], [390, 844]]) {
    const png = join(dir, `status-${w}x${h}.png`);
    const r = await chromium([`--screenshot=${png}`, `--window-size=${w},${h}`, '--hide-scrollbars', pathToFileURL(file).href]);
    assert.equal(r.signal, null, 'chromium was killed (timeout)');
    assert.ok(existsSync(png), `screenshot written: ${r.stderr.slice(-500)}`);
    const s = pngSize(png);
    assert.equal(s.width, w);
    assert.equal(s.height, h);
    assert.ok(s.bytes > 20_000, `a real picture, not a blank (${s.bytes} bytes)`);
  }
});

test('stale data is flagged at the top, in words and in the title', { skip: SKIP }, async () => {
  const stalePage = join(dir, 'stale.html');
  writeFileSync(stalePage, renderHtmlPage(views.slice(0, 2), { numbersOf, now: new Date(NOW.getTime() + 3 * 3600_000), checkedAt: POLLED, stale: true, title: 'x' }));
  const r = await chromium(['--dump-dom', pathToFileURL(stalePage).href]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /<title>STALE — 1 critical — x<\/title>/);
  const banner = r.stdout.indexOf('id="stale"');
  assert.ok(banner > 0 && banner < r.stdout.indexOf('id="problems"'), 'banner above the problems');
  assert.match(r.stdout, /STALE DATA:<\/strong> last poll 3h ago \(2026-11-24 05:55 UTC\)/);
});

test('sparkline: 24 h only, null breaks the line, too little data draws nothing', () => {
  const now = NOW;
  const t = (h) => now.getTime() - h * 3600_000;
  assert.equal(sparkline([{ t: t(1), v: 5 }], now, { unit: '%', title: 'x' }), null);
  assert.equal(sparkline([{ t: t(30), v: 5 }, { t: t(26), v: 6 }, { t: t(1), v: 7 }], now, { unit: '%', title: 'x' }), null, 'older than 24 h ignored');
  const svg = sparkline([{ t: t(20), v: 10 }, { t: t(9), v: null }, { t: t(5), v: 30 }, { t: t(1), v: 40 }], now, { unit: '%', title: 'a<b' });
  assert.equal((svg.match(/<polyline /g) ?? []).length, 1);
  assert.equal((svg.match(/<circle /g) ?? []).length, 1);
  assert.match(svg, /aria-label="a&lt;b, last 24 h: 10 to 40"/);
});
