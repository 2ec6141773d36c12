// Composing alert emails: subjects with counts, times in the configured zone, and device-sourced text
// that tries header injection, HTML injection or terminal escapes. Fixed clock.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { composeDigest, composeDevice, composeTest, countsLine, formatTime, headerText, escapeHtml } from '../../dist/notify/compose.js';

const NOW = new Date('2026-11-24T06:00:00.000Z');
const CTX = { now: NOW, timezone: 'Asia/Shanghai' };

function item(action, id, to, extra = {}) {
  const [kind, ...rest] = id.split('/');
  return {
    action,
    id,
    kind,
    name: rest[rest.length - 1],
    from: action === 'problem' ? 'ok' : action === 'recovery' ? 'critical' : 'warning',
    to,
    since: '2026-11-24T05:40:00.000Z',
    problems: to === 'ok' ? [] : [{ rule: 'toner-low', severity: to, message: 'black toner 3% (below 20%)' }],
    ack: null,
    override: null,
    hides: [],
    ...extra,
  };
}

const EVIL_NAME = 'office-1\r\nBcc: victim@evil.example\r\n\r\n<script>alert(1)</script>\x1b[31mRED\x1b]0;title\x07';

describe('subjects count what happened', () => {
  test('"2 problems, 1 recovered"', () => {
    const c = composeDigest([item('problem', 'printer/a', 'critical'), item('problem', 'vm/vc1/b', 'warning'), item('recovery', 'printer/c', 'ok')], CTX);
    assert.equal(c.subject, '[simplemon] 2 problems, 1 recovered');
  });
  test('singular, escalations, changes and reminders', () => {
    assert.equal(countsLine([item('problem', 'printer/a', 'critical')]), '1 problem');
    assert.equal(
      countsLine([item('escalation', 'printer/a', 'critical'), item('change', 'printer/b', 'warning'), item('reminder', 'printer/c', 'critical'), item('reminder', 'printer/d', 'critical')]),
      '1 escalated, 1 changed, 2 still open',
    );
  });
  test('a digest of one names the device', () => {
    assert.equal(composeDigest([item('problem', 'printer/office-1', 'critical')], CTX).subject, '[simplemon] 1 problem: printer office-1');
  });
  test('per-device subject says what happened and the first problem', () => {
    assert.equal(composeDevice(item('escalation', 'printer/office-1', 'critical'), CTX).subject, '[simplemon] CRITICAL (was warning): printer office-1 — black toner 3% (below 20%)');
    assert.equal(composeDevice(item('recovery', 'printer/office-1', 'ok'), CTX).subject, '[simplemon] OK (was critical): printer office-1');
  });
});

describe('times are shown in the configured timezone', () => {
  test('formatTime() in Asia/Shanghai, UTC and New York (DST)', () => {
    assert.equal(formatTime('2026-11-24T05:40:00.000Z', 'Asia/Shanghai'), '2026-11-24 13:40 GMT+8');
    assert.equal(formatTime('2026-11-24T05:40:00.000Z', 'UTC'), '2026-11-24 05:40 UTC');
    assert.equal(formatTime('2026-07-01T12:00:00.000Z', 'America/New_York'), '2026-07-01 08:00 GMT-4');
    assert.equal(formatTime('2026-12-01T12:00:00.000Z', 'America/New_York'), '2026-12-01 07:00 GMT-5');
  });
  test('the body shows since-times in the zone and names it', () => {
    const c = composeDigest([item('problem', 'printer/a', 'critical')], CTX);
    assert.match(c.text, /since 2026-11-24 13:40 GMT\+8/);
    assert.match(c.text, /Times are in Asia\/Shanghai/);
    assert.match(c.html, /since 2026-11-24 13:40 GMT\+8/);
  });
});

describe('device-sourced text is untrusted', () => {
  const evil = item('problem', `printer/${EVIL_NAME}`, 'critical', {
    name: EVIL_NAME,
    problems: [{ rule: 'printer-status', severity: 'critical', message: 'jam\r\nX-Injected: 1 <img src=x onerror=alert(2)> & "quotes"' }],
  });

  test('no header injection: the subject is one line without control characters', () => {
    for (const c of [composeDigest([evil], CTX), composeDevice(evil, CTX)]) {
      assert.doesNotMatch(c.subject, /[\r\n\x00-\x1f\x7f]/);
      assert.ok(c.subject.length <= 200);
      assert.match(c.subject, /office-1\\x0d\\x0aBcc: victim@evil\.example/);
    }
  });

  test('HTML is escaped', () => {
    const { html } = composeDigest([evil], CTX);
    assert.doesNotMatch(html, /<script>/);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=alert\(2\)&gt; &amp; &quot;quotes&quot;/);
  });

  test('no raw escape sequence or line break from a device reaches the text part', () => {
    const { text } = composeDigest([evil], CTX);
    assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    assert.ok(!text.split('\n').some((l) => l.startsWith('X-Injected') || l.startsWith('Bcc:')));
    assert.match(text, /\\x1b\[31mRED/);
  });

  test('headerText() and escapeHtml() on their own', () => {
    assert.equal(headerText('a\r\nb\u2028c'), 'a\\x0d\\x0ab\\u2028c');
    assert.equal(headerText('x'.repeat(300)).length, 200);
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('body content', () => {
  test('the hidden devices of an upstream are one line; ack and forced state are shown', () => {
    const up = item('problem', 'vcenter/vc1', 'critical', {
      hides: ['vm/vc1/a', 'vm/vc1/b', 'vm/vc1/c', 'vm/vc1/d'],
      ack: { reason: 'known', by: 'ana', since: '2026-11-24T05:00:00.000Z' },
      override: { state: 'critical', reason: 'forced for a test', by: 'bob', since: '2026-11-24T05:00:00.000Z', until: '2026-11-24T08:00:00.000Z' },
    });
    const { text } = composeDigest([up], CTX);
    assert.equal(text.split('\n').filter((l) => /devices behind it/.test(l)).length, 1);
    assert.match(text, /4 devices behind it cannot be checked while it is down: vm\/vc1\/a, vm\/vc1\/b, vm\/vc1\/c and 1 more/);
    assert.match(text, /acknowledged by ana: known/);
    assert.match(text, /state forced to critical by bob: forced for a test \(until 2026-11-24 16:00 GMT\+8\)/);
  });

  test('most urgent first: escalations and problems before reminders and recoveries', () => {
    const { text } = composeDigest([item('recovery', 'printer/r', 'ok'), item('reminder', 'printer/m', 'critical'), item('problem', 'printer/p', 'warning')], CTX);
    const order = ['printer p', 'printer m', 'printer r'].map((s) => text.indexOf(s));
    assert.deepEqual([...order].sort((a, b) => a - b), order);
  });

  test('the test email names recipient and server', () => {
    const c = composeTest({ ...CTX, recipient: 'ops@example.com', server: 'smtp.example.com:587' });
    assert.equal(c.subject, '[simplemon] test email');
    assert.match(c.text, /ops@example\.com through smtp\.example\.com:587 at 2026-11-24 14:00 GMT\+8/);
  });
});
