// The alert policy: the decision table of decide() row by row, then what a sequence of polls queues.
// Fixed clock throughout. Runs against the built code: cd /work/main && npx tsc -p . && node --test test/unit
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decide, owedAlerts, recipientsFor, groupByRecipients, hiddenBy, unknownWanted } from '../../dist/notify/policy.js';
import { planEmails, deliverEmails, announcedOf } from '../../dist/notify/email-notifier.js';
import { emptyAppState as emptyState } from '../../dist/app/state.js';

const NOW = new Date('2026-11-24T06:00:00.000Z');
const HOUR = 3_600_000;
const LAST = '2026-11-24T02:00:00.000Z'; // 4 h before NOW

const view = (state, extra = {}) => ({ state, maintenance: null, ack: null, blockedBy: null, ...extra });
const said = (state, extra = {}) => ({ state, at: LAST, sent: true, pending: false, ...extra });
const MAINT = { source: 'override', reason: 'toner swap', until: null };
const ACK = { reason: 'ordered toner', by: 'ana', since: LAST };

// Mirrors the table above decide() in src/notify/policy.ts, row for row.
// [row, condition, view, announced, unknown asked, repeat-every, expected action]
const TABLE = [
  [1, 'blocked by an upstream device', view('unknown', { blockedBy: 'vcenter/vc1' }), said('critical'), true, 4 * HOUR, 'none'],
  [2, 'in maintenance (override or window)', view('critical', { maintenance: MAINT }), null, false, null, 'none'],
  [2, 'in maintenance, announced problem now ok: no recovery yet', view('ok', { maintenance: { source: 'weekly-patching', reason: 'window', until: null } }), said('critical'), false, null, 'none'],
  [3, 'S = unknown, unknown not asked for this device', view('unknown'), said('critical'), false, null, 'none'],
  [3, 'S = unknown, unknown not asked, nothing announced', view('unknown'), null, false, null, 'none'],
  ['3a', 'S = unknown, never tried by a poll (its source not polled yet)', view('unknown', { lastPoll: null }), null, true, null, 'none'],
  [4, 'S = ok, nothing announced', view('ok'), null, false, 4 * HOUR, 'none'],
  [5, 'S = ok, N a problem that was sent', view('ok'), said('critical'), false, null, 'recovery'],
  [5, 'S = ok, N a problem still queued', view('ok'), said('warning', { sent: false, pending: true }), false, null, 'recovery'],
  [6, 'S = ok, N a problem whose email was refused for good', view('ok'), said('critical', { sent: false, pending: false }), false, null, 'forget'],
  [7, 'S a problem, nothing announced', view('warning'), null, false, null, 'problem'],
  [7, 'S unknown (asked for), nothing announced', view('unknown'), null, true, null, 'problem'],
  [7, 'S unknown on the poll that first tries it (never answered)', view('unknown', { lastPoll: NOW.toISOString() }), null, true, null, 'problem'],
  [8, 'S worse than N (warning → critical)', view('critical'), said('warning'), false, null, 'escalation'],
  [8, 'escalation even when acknowledged', view('critical', { ack: ACK }), said('warning'), false, null, 'escalation'],
  [9, 'S eased (critical → warning)', view('warning'), said('critical'), false, null, 'change'],
  [9, 'S unknown → critical (unknown asked)', view('critical'), said('unknown'), true, null, 'change'],
  [10, 'S = N, acknowledged', view('critical', { ack: ACK }), said('critical'), false, HOUR, 'none'],
  [11, 'S = N, repeat-every off', view('critical'), said('critical'), false, null, 'none'],
  [12, 'S = N, a message about it still queued', view('critical'), said('critical', { sent: false, pending: true }), false, HOUR, 'none'],
  [13, 'S = N, repeat-every elapsed since N.at', view('critical'), said('critical'), false, 4 * HOUR, 'reminder'],
  [14, 'S = N, repeat-every not yet elapsed', view('critical'), said('critical'), false, 5 * HOUR, 'none'],
];

describe('decide() follows its decision table', () => {
  for (const [row, cond, v, announced, unknown, repeat, expected] of TABLE) {
    test(`row ${row}: ${cond} → ${expected}`, () => {
      const d = decide({ view: v, announced, unknownWanted: unknown, repeatEveryMs: repeat, now: NOW });
      assert.equal(d.action, expected, d.why);
      assert.ok(d.why.length > 0);
    });
  }
});

// ---- views and state for multi-poll scenarios -------------------------------------------------------

function dv(id, state, extra = {}) {
  const [kind, ...rest] = id.split('/');
  const problems =
    state === 'ok' ? [] : extra.problems ?? [{ rule: kind === 'printer' ? 'toner-low' : 'cpu', severity: state, message: kind === 'printer' ? 'black toner 3% (below 20%)' : 'CPU 95% (above 90%)' }];
  return {
    id,
    kind,
    name: rest[rest.length - 1],
    target: '127.0.0.2:161',
    state,
    realState: state,
    since: '2026-11-24T05:55:00.000Z',
    problems,
    override: null,
    maintenance: null,
    ack: null,
    blockedBy: null,
    lastSeen: null,
    metrics: {},
    ...extra,
  };
}

const EMAIL = {
  smtp: { host: '127.0.0.1', port: 25, secure: false, requireTls: false, user: null, password: null, caFile: null, ca: null, insecure: false, timeoutMs: 1000 },
  from: 'simplemon@example.com',
  recipients: ['ops@example.com'],
  mode: 'digest',
  repeatEveryMs: null,
  timezone: 'UTC',
  notifyUnknown: false,
  routes: [],
};

/** A mailer that accepts everything and remembers it: a plain object behind the Mailer interface. */
function acceptingMailer() {
  const sent = [];
  const factory = async () => ({
    async send(m) {
      sent.push(m);
      return { status: 'sent', accepted: m.to, refused: [], response: '250 OK' };
    },
    close() {},
  });
  return { sent, factory };
}

/** One poll as run-poll does it: plan, (save), deliver. */
async function poll(state, views, at, email = EMAIL, mailer = acceptingMailer(), transitions = []) {
  const decisions = planEmails(state.notify, { now: at, transitions, views }, email);
  const queued = state.notify.outbox.map((e) => e.messageId);
  const report = await deliverEmails(state.notify, at, email, [], mailer.factory);
  return { decisions, queued, report, sent: mailer.sent };
}

const t = (min) => new Date(NOW.getTime() + min * 60_000);
/** A transition of this poll, as evaluate() gives it (first: the device's first poll). */
const tr = (device, from, to, first = false) => ({ at: NOW.toISOString(), device, kind: device.split('/')[0], name: device.split('/').pop(), from, to, problems: [], blockedBy: null, first });

describe('emails name the state last emailed or seen, never an invented ok', () => {
  test('a device critical since its first poll is "new", in the subject and the body', async () => {
    const state = emptyState();
    const p = await poll(state, [dv('printer/office-1', 'critical')], t(0), { ...EMAIL, mode: 'per-device' }, undefined, [tr('printer/office-1', 'unknown', 'critical', true)]);
    assert.match(p.sent[0].subject, /^\[simplemon\] CRITICAL \(new\): printer office-1/);
    assert.match(p.sent[0].text, /^CRITICAL \(new\)  printer office-1/m);
    assert.doesNotMatch(p.sent[0].text + p.sent[0].html + p.sent[0].subject, /was ok/);
  });

  test('a device that answered ok before says "was ok"; one seen unknown (not emailed) says "was unknown"', async () => {
    const state = emptyState();
    const email = { ...EMAIL, mode: 'per-device', notifyUnknown: false };
    const p = await poll(state, [dv('printer/office-1', 'critical'), dv('printer/office-2', 'warning')], t(0), email, undefined, [tr('printer/office-1', 'ok', 'critical'), tr('printer/office-2', 'unknown', 'warning')]);
    assert.match(p.sent[0].subject, /CRITICAL \(was ok\): printer office-1/);
    assert.match(p.sent[1].subject, /WARNING \(was unknown\): printer office-2/);
  });

  test('a problem that did not change this poll (out of maintenance) claims no previous state', async () => {
    const state = emptyState();
    const p = await poll(state, [dv('printer/office-1', 'critical')], t(0), { ...EMAIL, mode: 'per-device' });
    assert.match(p.sent[0].subject, /^\[simplemon\] CRITICAL: printer office-1/);
    assert.doesNotMatch(p.sent[0].text, /\(was /);
  });

  test('a device that never answered is emailed once, as new and unknown, on the poll that first tries it (notify-unknown is on by default)', async () => {
    const state = emptyState();
    const email = { ...EMAIL, notifyUnknown: true };
    const never = dv('printer/wrong-key', 'unknown', { lastPoll: t(0).toISOString(), problems: [{ rule: 'reachable', severity: 'unknown', message: 'authentication failed: unknown user name' }] });
    const p1 = await poll(state, [never], t(0), email, undefined, [tr('printer/wrong-key', 'unknown', 'unknown', true)]);
    assert.equal(p1.sent.length, 1);
    assert.match(p1.sent[0].subject, /1 problem: printer wrong-key/);
    assert.match(p1.sent[0].text, /UNKNOWN \(new\)  printer wrong-key/);
    assert.match(p1.sent[0].text, /reachable: authentication failed: unknown user name/);
    const p2 = await poll(state, [{ ...never, lastPoll: t(5).toISOString() }], t(5), email);
    assert.equal(p2.sent.length, 0, 'once');
    const untried = dv('printer/not-polled', 'unknown', { lastPoll: null });
    assert.equal((await poll(emptyState(), [untried], t(0), email)).sent.length, 0, 'a device no poll has tried is not news');
  });
});

describe('planEmails() across polls', () => {
  test('two problems in one poll give one digest naming both; the next poll sends nothing', async () => {
    const state = emptyState();
    const views = [dv('printer/office-1', 'critical'), dv('vm/vc1/web-1', 'critical')];
    const p1 = await poll(state, views, t(0));
    assert.equal(p1.sent.length, 1);
    assert.match(p1.sent[0].subject, /2 problems/);
    assert.match(p1.sent[0].text, /office-1/);
    assert.match(p1.sent[0].text, /web-1/);
    const p2 = await poll(state, views, t(5));
    assert.equal(p2.sent.length, 0);
    assert.equal(state.notify.outbox.length, 0);
  });

  test('recovery is emailed once, naming both, and only for problems that were emailed', async () => {
    const state = emptyState();
    await poll(state, [dv('printer/office-1', 'critical'), dv('vm/vc1/web-1', 'critical'), dv('vm/vc1/db-1', 'ok')], t(0));
    const p = await poll(state, [dv('printer/office-1', 'ok'), dv('vm/vc1/web-1', 'ok'), dv('vm/vc1/db-1', 'ok')], t(5));
    assert.equal(p.sent.length, 1);
    assert.match(p.sent[0].subject, /2 recovered/);
    assert.doesNotMatch(p.sent[0].text, /db-1/);
    assert.deepEqual(state.notify.notified, {});
    const again = await poll(state, [dv('printer/office-1', 'ok'), dv('vm/vc1/web-1', 'ok')], t(10));
    assert.equal(again.sent.length, 0);
  });

  test('maintenance silences a device; at its end one email if the state differs from the last one emailed', async () => {
    const state = emptyState();
    const inMaint = (s) => dv('printer/office-1', s, { maintenance: MAINT });
    await poll(state, [dv('printer/office-1', 'warning')], t(0)); // warning emailed
    const during1 = await poll(state, [inMaint('critical')], t(5));
    const during2 = await poll(state, [inMaint('ok')], t(10));
    const during3 = await poll(state, [inMaint('critical')], t(15));
    assert.equal(during1.sent.length + during2.sent.length + during3.sent.length, 0);
    const after = await poll(state, [dv('printer/office-1', 'critical')], t(20));
    assert.equal(after.sent.length, 1);
    assert.match(after.sent[0].subject, /1 escalated/);
    const later = await poll(state, [dv('printer/office-1', 'critical')], t(25));
    assert.equal(later.sent.length, 0);
  });

  test('maintenance that ends with the state last emailed sends nothing', async () => {
    const state = emptyState();
    await poll(state, [dv('printer/office-1', 'critical')], t(0));
    await poll(state, [dv('printer/office-1', 'ok', { maintenance: MAINT })], t(5));
    const after = await poll(state, [dv('printer/office-1', 'critical')], t(10));
    assert.equal(after.sent.length, 0);
  });

  test('reminders come every repeat-every, not when acknowledged, and not twice for one period', async () => {
    const state = emptyState();
    const email = { ...EMAIL, repeatEveryMs: HOUR };
    await poll(state, [dv('printer/office-1', 'critical')], t(0), email);
    assert.equal((await poll(state, [dv('printer/office-1', 'critical')], t(59), email)).sent.length, 0);
    const r = await poll(state, [dv('printer/office-1', 'critical')], t(60), email);
    assert.equal(r.sent.length, 1);
    assert.match(r.sent[0].subject, /1 still open/);
    assert.equal((await poll(state, [dv('printer/office-1', 'critical')], t(61), email)).sent.length, 0);
    const acked = dv('printer/office-1', 'critical', { ack: ACK });
    assert.equal((await poll(state, [acked], t(180), email)).sent.length, 0);
  });

  test('a device hidden by its upstream sends nothing; the upstream email says how many it hides, in one line', async () => {
    const state = emptyState();
    const vc = dv('vcenter/vc1', 'critical', { problems: [{ rule: 'reachable', severity: 'critical', message: 'connection refused' }] });
    const hidden = Array.from({ length: 40 }, (_, i) => dv(`vm/vc1/vm-${String(i).padStart(2, '0')}`, 'unknown', { blockedBy: 'vcenter/vc1', problems: [] }));
    const p = await poll(state, [vc, ...hidden], t(0), { ...EMAIL, notifyUnknown: true });
    assert.equal(p.sent.length, 1);
    assert.match(p.sent[0].subject, /1 problem: vcenter vc1/);
    const lines = p.sent[0].text.split('\n').filter((l) => /40 devices/.test(l));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /vm\/vc1\/vm-00, vm\/vc1\/vm-01, vm\/vc1\/vm-02 and 37 more/);
    assert.deepEqual(Object.keys(state.notify.notified), ['vcenter/vc1']);
  });

  test('a forced override is what alerts see; when it goes, the real state is emailed if it differs', async () => {
    const state = emptyState();
    await poll(state, [dv('printer/office-1', 'critical')], t(0));
    const forced = dv('printer/office-1', 'ok', { realState: 'critical', override: { state: 'ok', reason: 'known', by: 'ana', since: LAST, until: null } });
    const p = await poll(state, [forced], t(5));
    assert.match(p.sent[0].subject, /1 recovered/);
    const back = await poll(state, [dv('printer/office-1', 'critical')], t(10));
    assert.match(back.sent[0].subject, /1 problem/);
  });

  test('per-device mode sends one email per device; a device that left the config is forgotten quietly', async () => {
    const state = emptyState();
    const email = { ...EMAIL, mode: 'per-device' };
    const p = await poll(state, [dv('printer/office-1', 'critical'), dv('vm/vc1/web-1', 'warning')], t(0), email, undefined, [tr('printer/office-1', 'ok', 'critical')]);
    assert.equal(p.sent.length, 2);
    assert.match(p.sent[0].subject, /CRITICAL \(was ok\): printer office-1 — black toner 3%/);
    const gone = await poll(state, [dv('vm/vc1/web-1', 'warning')], t(5), email);
    assert.equal(gone.sent.length, 0);
    assert.deepEqual(Object.keys(state.notify.notified), ['vm/vc1/web-1']);
  });

  test('what is owed is in the outbox before anything is sent, with a Message-ID', () => {
    const state = emptyState();
    planEmails(state.notify, { now: t(0), transitions: [], views: [dv('printer/office-1', 'critical')] }, EMAIL);
    assert.equal(state.notify.outbox.length, 1);
    const e = state.notify.outbox[0];
    assert.equal(e.status, 'pending');
    assert.match(e.messageId, /^<simplemon\.20261124T060000Z\.1\.[0-9a-f]{8}@example\.com>$/);
    assert.deepEqual(announcedOf(state.notify)['printer/office-1'], { state: 'critical', at: t(0).toISOString(), sent: false, pending: true });
  });
});

describe('recipients and routes', () => {
  const email = {
    ...EMAIL,
    routes: [
      { kind: 'printer', name: 'floor2-*', severity: null, recipients: ['floor2-admin@example.com'] },
      { kind: null, name: null, severity: ['critical'], recipients: ['oncall@example.com'] },
      { kind: null, name: 'vm/vc1/*', severity: null, recipients: ['vmware@example.com'] },
    ],
  };
  const item = (id, action, from, to) => ({ action, id, kind: id.split('/')[0], name: id.split('/').pop(), from, to });

  test('routes add recipients by kind, name glob and severity; a recovery counts as the severity it recovers from', () => {
    assert.deepEqual(recipientsFor(item('printer/floor2-a', 'problem', 'ok', 'warning'), email), ['ops@example.com', 'floor2-admin@example.com']);
    assert.deepEqual(recipientsFor(item('printer/floor3-a', 'problem', 'ok', 'critical'), email), ['ops@example.com', 'oncall@example.com']);
    assert.deepEqual(recipientsFor(item('printer/floor3-a', 'recovery', 'critical', 'ok'), email), ['ops@example.com', 'oncall@example.com']);
    assert.deepEqual(recipientsFor(item('vm/vc1/web', 'problem', 'ok', 'warning'), email), ['ops@example.com', 'vmware@example.com']);
    assert.deepEqual(recipientsFor(item('host/vc1/esx1', 'problem', 'ok', 'warning'), email), ['ops@example.com']);
  });

  test('a digest goes once to each recipient: those with the same items share one message', () => {
    const items = [item('printer/floor2-a', 'problem', 'ok', 'warning'), item('vm/vc1/web', 'problem', 'ok', 'warning')];
    const groups = groupByRecipients(items, email);
    assert.deepEqual(
      groups.map((g) => [g.to, g.items.map((i) => i.id)]),
      [
        [['ops@example.com'], ['printer/floor2-a', 'vm/vc1/web']],
        [['floor2-admin@example.com'], ['printer/floor2-a']],
        [['vmware@example.com'], ['vm/vc1/web']],
      ],
    );
  });

  test('notify-unknown takes true, false or device globs', () => {
    assert.equal(unknownWanted({ id: 'vcenter/vc1' }, ['vcenter/*']), true);
    assert.equal(unknownWanted({ id: 'vm/vc1/a' }, ['vcenter/*']), false);
    assert.equal(unknownWanted({ id: 'vm/vc1/a' }, true), true);
  });

  test('hiddenBy() counts through chains (VM behind a host behind a vCenter)', () => {
    const m = hiddenBy([{ id: 'host/vc1/h1', blockedBy: 'vcenter/vc1' }, { id: 'vm/vc1/a', blockedBy: 'host/vc1/h1' }, { id: 'vcenter/vc1', blockedBy: null }]);
    assert.deepEqual(m.get('vcenter/vc1'), ['host/vc1/h1', 'vm/vc1/a']);
    assert.deepEqual(m.get('host/vc1/h1'), ['vm/vc1/a']);
  });

  test('owedAlerts() reports every decision with its reason', () => {
    const o = owedAlerts({ views: [dv('printer/a', 'ok'), dv('printer/b', 'critical', { maintenance: MAINT })], announced: {}, email: EMAIL, now: NOW });
    assert.equal(o.items.length, 0);
    assert.match(o.decisions['printer/b'].why, /maintenance/);
  });
});
