// Inventory paging, pipelined: the next page is asked for as soon as this page's token is known, and
// this page is read while vCenter prepares the next. The fake vCenter (test/helpers/fake-vcenter.mjs)
// runs in a child process in front of the simulator, so that it sees (and timestamps) a request arriving
// while this process is busy reading a page. Also: round trips stay 4 + pages, and a failure while a
// page is in flight cancels it — the poll ends at once, within its deadline, and still logs out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectVcenter } from '../../dist/sources/vcenter/collect.js';
import { LOGOUT_GRACE_MS } from '../../dist/protocols/soap/session.js';
import { startVcsim, vcConfig } from '../helpers/vcsim.mjs';
import { startFakeVcenterProcess } from '../helpers/fake-vcenter.mjs';

const ALL = new Set(['hosts', 'vms', 'datastores']);
// 2 hosts + 30 VMs + 2 datastores + the performance manager = 35 objects
const OBJECTS = 35;
const clock = () => performance.timeOrigin + performance.now();
/** Hold this process for `ms` (a page that takes long to read). */
function busy(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

let sim;
let fake;
const unhandled = [];
const onUnhandled = (e) => unhandled.push(e);
before(async () => {
  process.on('unhandledRejection', onUnhandled);
  sim = await startVcsim({ hosts: 2, vms: 30, datastores: 2, http: true });
  fake = await startFakeVcenterProcess(sim.url);
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await fake?.stop();
  await sim?.stop();
});

/** A poll through the fake with `pageSize`; memory kept warm (service content known: no RetrieveServiceContent). */
async function poll(pageSize, over = {}, opts = {}) {
  await fake.behave();
  const memory = {};
  const vc = vcConfig(sim, { url: fake.url, caFile: null, pageSize, ...over });
  const warm = await collectVcenter({ ...vc, timeoutMs: 30_000 }, memory, ALL);
  assert.equal(warm.readings[0].reachable, true, warm.readings[0].error);
  return { vc, memory };
}

describe('pipelined inventory pages', { timeout: 120_000 }, () => {
  test('ContinueRetrievePropertiesEx for page k+1 arrives while page k is still being read; round trips stay 4 + pages', async () => {
    const { vc, memory } = await poll(10);
    await fake.clearLog();
    await sim.resetStats();
    const read = [];
    // each page "takes" 400 ms to read: the request for the next one must not wait for that
    const r = await collectVcenter(vc, memory, ALL, {
      onPage: (n) => {
        busy(400);
        read.push({ n, at: clock() });
      },
    });
    assert.equal(r.readings[0].reachable, true, r.readings[0].error);
    const pages = Math.ceil(OBJECTS / 10);
    assert.equal(r.stats.pages, pages);
    const log = await fake.log();
    assert.deepEqual(
      log.map((e) => e.method),
      ['Login', 'CreateContainerView', 'RetrievePropertiesEx', ...Array(pages - 1).fill('ContinueRetrievePropertiesEx'), 'QueryPerf', 'Logout'],
    );
    const pageAnswers = log.filter((e) => /RetrievePropertiesEx$/.test(e.method));
    for (let k = 1; k < pages; k++) {
      const next = pageAnswers[k];
      assert.ok(next.arrived > pageAnswers[k - 1].answered, `page ${k + 1} asked for after page ${k} was answered`);
      assert.ok(next.arrived < read[k - 1].at, `page ${k + 1} asked for ${Math.round(next.arrived - read[k - 1].at)} ms relative to the end of reading page ${k}: must be before`);
    }
    assert.equal(r.stats.roundTrips, 4 + pages, 'Login, CreateContainerView, the pages, QueryPerf, Logout');
    assert.equal((await sim.stats()).total, 4 + pages);
    assert.equal(unhandled.length, 0, String(unhandled[0]));
  });

  test('a malformed page 2 of 3 cancels page 3 in flight: the poll ends at once (not at its deadline), logs out, leaves nothing pending', async () => {
    const TIMEOUT = 8000;
    const { vc, memory } = await poll(12, { timeoutMs: TIMEOUT });
    await fake.misbehave('ContinueRetrievePropertiesEx', 'truncate', { nth: 1 });
    // page 3 would never be answered: only a cancelled request lets the poll (and Logout, on the same one socket) go on
    await fake.andMisbehave('ContinueRetrievePropertiesEx', 'silent', { nth: 2 });
    await fake.clearLog();
    await sim.resetStats();
    const t0 = performance.now();
    const r = await collectVcenter(vc, memory, ALL);
    const ms = performance.now() - t0;
    await fake.behave();
    assert.match(r.readings[0].error, /malformed inventory page 2 from 127\.0\.0\.1:\d+: unterminated/);
    assert.ok(ms < TIMEOUT, `the poll took ${Math.round(ms)} ms: it waited for its deadline (${TIMEOUT} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const log = await fake.log();
    const third = log.filter((e) => e.method === 'ContinueRetrievePropertiesEx')[1];
    assert.ok(third, 'page 3 was asked for before page 2 was read');
    assert.equal(third.closedEarly, true, 'and its request cancelled');
    const s = await sim.stats();
    assert.equal(s.logouts, s.logins, 'every login has its logout');
    assert.equal(s.sessions, 0);
    assert.equal(unhandled.length, 0, String(unhandled[0]));
  });

  test('a SOAP fault for page 3 while page 2 is read: the fault, with its text, is the poll\'s error', async () => {
    const { vc, memory } = await poll(12);
    await fake.misbehave('ContinueRetrievePropertiesEx', 'fault500', { nth: 2 });
    const r = await collectVcenter(vc, memory, ALL);
    await fake.behave();
    assert.match(r.readings[0].error, /SOAP fault SystemError: The session is not authorized to perform this operation: inventory service busy/);
    const s = await sim.stats();
    assert.equal(s.logouts, s.logins);
    assert.equal(unhandled.length, 0, String(unhandled[0]));
  });

  test('a trickled page 2: the whole-poll deadline ends it, with Logout in its grace', async () => {
    const TIMEOUT = 2000;
    const { vc, memory } = await poll(12, { timeoutMs: TIMEOUT });
    await fake.misbehave('ContinueRetrievePropertiesEx', 'trickle', { nth: 1, intervalMs: 100 });
    await sim.resetStats();
    const t0 = performance.now();
    const r = await collectVcenter(vc, memory, ALL);
    const ms = performance.now() - t0;
    await fake.behave();
    assert.match(r.readings[0].error, /no answer from 127\.0\.0\.1:\d+ within 2s \(timeout, for the whole poll of this vCenter\): ContinueRetrievePropertiesEx unfinished/);
    assert.ok(ms >= TIMEOUT - 100 && ms < TIMEOUT + LOGOUT_GRACE_MS + 4000, `ended in ${Math.round(ms)} ms`);
    const s = await sim.stats();
    assert.equal(s.logouts, s.logins);
    assert.equal(unhandled.length, 0, String(unhandled[0]));
  });
});
