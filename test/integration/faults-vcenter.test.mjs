// The fault suite, vCenter part: a vCenter that trickles, closes mid-response, answers a SOAP fault
// with HTTP 500, HTML, an endless body, or nothing at all gives ONE vcenter problem (critical, with the
// reason) within its budget — timeout for the whole poll of the vCenter, plus the Logout grace — and a
// printer polled in the same poll is unaffected. The misbehaving vCenter is a raw node http server on
// loopback (test/helpers/fake-vcenter.mjs) in front of govmomi's simulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectVcenter } from '../../dist/sources/vcenter/collect.js';
import { LOGOUT_GRACE_MS } from '../../dist/protocols/soap/session.js';
import { evaluate, problemsOf } from '../../dist/core/evaluate.js';
import { resolveRule } from '../../dist/core/rule.js';
import { rulesFor } from '../../dist/sources/index.js';
import { startVcsim, vcConfig } from '../helpers/vcsim.mjs';
import { startFakeVcenter } from '../helpers/fake-vcenter.mjs';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { cli, repo } from '../helpers/cli.mjs';
import { readState } from '../../dist/state/store.js';

const ALL = new Set(['hosts', 'vms', 'datastores']);
const TIMEOUT_MS = 2000;
/** Generous on a loaded 2-core machine: what matters is that the old code ran for minutes. */
const MARGIN_MS = 4000;
const BUDGET_MS = TIMEOUT_MS + LOGOUT_GRACE_MS + MARGIN_MS;
const rulesOf = (r) => ({ defs: rulesFor(r.kind), settings: Object.fromEntries(rulesFor(r.kind).map((d) => [d.name, resolveRule(d)])) });

let sim;
let fake;
before(async () => {
  sim = await startVcsim({ hosts: 2, vms: 6, http: true });
  fake = await startFakeVcenter(sim.url);
});
after(async () => {
  await fake?.stop();
  await sim?.stop();
});

/** Poll the fake once while it behaves (devices known), then once misbehaving; the second is timed. */
async function pollMisbehaving(method, kind, opts = {}, over = {}, log = () => {}) {
  fake.behave();
  const memory = {};
  const vc = vcConfig(sim, { url: fake.url, caFile: null, timeoutMs: TIMEOUT_MS, ...over });
  const good = await collectVcenter({ ...vc, timeoutMs: 30_000 }, memory, ALL);
  assert.equal(good.readings[0].reachable, true, good.readings[0].error);
  let devices = evaluate({ now: new Date(), readings: good.readings, previous: {}, rulesOf }).devices;
  await sim.resetStats();
  fake.misbehave(method, kind, opts);
  const t0 = performance.now();
  const r = await collectVcenter(vc, memory, ALL, { log });
  const ms = performance.now() - t0;
  fake.behave();
  devices = evaluate({ now: new Date(), readings: r.readings, previous: devices, rulesOf }).devices;
  const problems = Object.values(devices).flatMap((d) => problemsOf(d).map((p) => ({ id: d.id, ...p })));
  return { r, ms, problems, error: r.readings[0].error, stats: await sim.stats() };
}

function assertOneProblem({ problems, error, ms }, expect) {
  assert.match(error, expect);
  assert.deepEqual(problems.map((p) => [p.id, p.rule, p.severity]), [['vcenter/vc1', 'reachable', 'critical']]);
  assert.match(problems[0].message, expect);
  assert.ok(ms < BUDGET_MS, `ended in ${Math.round(ms)} ms, budget ${BUDGET_MS} ms`);
}

describe('a misbehaving vCenter: one vcenter problem within timeout + Logout grace', { timeout: 120_000 }, () => {
  test('an answer trickled one byte every 200 ms is cut at the deadline; Logout still goes out', async () => {
    const out = await pollMisbehaving('RetrievePropertiesEx', 'trickle', { intervalMs: 200 });
    assertOneProblem(out, /no answer from 127\.0\.0\.1:\d+ within 2s \(timeout, for the whole poll of this vCenter\): RetrievePropertiesEx unfinished/);
    assert.ok(out.ms >= TIMEOUT_MS - 100, `the deadline is the timeout, not less (${Math.round(out.ms)} ms)`);
    assert.equal(out.stats.logins, 1);
    assert.equal(out.stats.logouts, 1, 'Logout within its grace, after the deadline');
    assert.equal(out.stats.logouts, out.stats.logins, 'every login has its logout');
  });

  test('every answer trickled (Logout too): still within the budget', async () => {
    const out = await pollMisbehaving('*', 'trickle', { intervalMs: 200 });
    assertOneProblem(out, /no answer from 127\.0\.0\.1:\d+ within 2s .*: (Login|RetrieveServiceContent|CreateContainerView|RetrievePropertiesEx) unfinished/);
  });

  test('a trickled Logout after the deadline is cut by its own grace, and the log says so (not the poll\'s timeout)', async () => {
    const lines = [];
    fake.behave();
    const memory = {};
    const vc = vcConfig(sim, { url: fake.url, caFile: null, timeoutMs: TIMEOUT_MS });
    await collectVcenter({ ...vc, timeoutMs: 30_000 }, memory, ALL);
    fake.misbehave('RetrievePropertiesEx', 'trickle', { intervalMs: 200 });
    fake.andMisbehave('Logout', 'trickle', { intervalMs: 200 });
    const t0 = performance.now();
    const r = await collectVcenter(vc, memory, ALL, { log: (l) => lines.push(l) });
    const ms = performance.now() - t0;
    fake.behave();
    assert.match(r.readings[0].error, /within 2s \(timeout, for the whole poll of this vCenter\): RetrievePropertiesEx unfinished/);
    assert.ok(lines.some((l) => /logout failed: no answer from 127\.0\.0\.1:\d+ within 2s \(the grace after the poll\): Logout unfinished/.test(l)), lines.join('\n'));
    assert.ok(ms < BUDGET_MS, `ended in ${Math.round(ms)} ms, budget ${BUDGET_MS} ms`);
  });

  test('a connection closed mid-response → "closed mid-response"', async () => {
    const out = await pollMisbehaving('RetrievePropertiesEx', 'close');
    assertOneProblem(out, /connection to 127\.0\.0\.1:\d+ closed mid-response/);
    assert.equal(out.stats.logouts, out.stats.logins, 'every login has its logout');
  });

  test('a SOAP fault with HTTP 500 keeps its fault type and faultstring', async () => {
    const out = await pollMisbehaving('RetrievePropertiesEx', 'fault500');
    assertOneProblem(out, /SOAP fault SystemError: The session is not authorized to perform this operation: inventory service busy/);
    assert.equal(out.stats.logouts, out.stats.logins, 'every login has its logout');
  });

  test('a SOAP 1.2 fault (a gateway in front of vCenter) keeps its Reason text; an empty faultstring gives the detail\'s reason', async () => {
    const soap12 = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason><env:Text xml:lang="en">Service temporarily overloaded</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`;
    assertOneProblem(await pollMisbehaving('CreateContainerView', 'fault500', { body: soap12 }), /SOAP fault unknown: Service temporarily overloaded/);
    const empty = `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring></faultstring><detail><SystemErrorFault xmlns="urn:vim25" xsi:type="SystemError"><reason>datastore browser crashed</reason></SystemErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
    assertOneProblem(await pollMisbehaving('RetrievePropertiesEx', 'fault500', { body: empty }), /SOAP fault SystemError: datastore browser crashed/);
  });

  test('an HTML page instead of SOAP → "HTML page, not SOAP"', async () => {
    const out = await pollMisbehaving('CreateContainerView', 'html');
    assertOneProblem(out, /answered with an HTML page, not SOAP \(status 502\)/);
  });

  test('an endless body is cut off at the size limit as it arrives: memory stays bounded', async () => {
    // page-size 1 → the floor of the limit, 32 MiB; the server would send 400 MiB
    const rss0 = process.memoryUsage().rss;
    const out = await pollMisbehaving('RetrievePropertiesEx', 'huge', { maxBytes: 400 * 2 ** 20 }, { pageSize: 1 });
    assertOneProblem(out, /answer from 127\.0\.0\.1:\d+ larger than 32 MiB \(the limit for its page-size\): cut off/);
    assert.ok(fake.bytesSent < 100 * 2 ** 20, `the server got to send ${fake.bytesSent} bytes`);
    const grew = process.memoryUsage().rss - rss0;
    assert.ok(grew < 200 * 2 ** 20, `RSS grew by ${Math.round(grew / 2 ** 20)} MiB`);
    assert.equal(out.stats.logouts, out.stats.logins, 'every login has its logout');
  });

  test('nothing at all (requests read, never answered) → "no answer", within the budget', async () => {
    const out = await pollMisbehaving('*', 'silent');
    assertOneProblem(out, /no answer from 127\.0\.0\.1:\d+ within 2s/);
  });
});

describe('through the CLI: printers polled in the same poll are unaffected', { timeout: 120_000 }, () => {
  let snmp;
  let dir;
  before(async () => {
    snmp = await startSnmpsim({ files: [join(repo, 'test', 'fixtures', 'snmp', 'colour-laser.snmprec')] });
    dir = mkdtempSync(join(tmpdir(), 'simplemon-faults-vc-'));
    writeFileSync(
      join(dir, 'monitor.config.yaml'),
      [
        'state-file: state.json',
        'defaults: { timeout: 1s, retries: 1 }',
        'vcenters:',
        `  - { name: vc1, url: "${fake.url}", username: "${sim.user}", password: "${sim.pass}", timeout: 3s }`,
        'printers:',
        `  - { name: laser, address: 127.0.0.1, port: ${snmp.port}, snmp: { version: 2c, community: colour-laser } }`,
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    fake.behave();
    await snmp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('simplemon poll with a trickling vCenter ends within its budget: the vCenter critical with the reason, the printer read', async () => {
    const config = join(dir, 'monitor.config.yaml');
    fake.behave();
    const first = await cli(['poll', '--config', config]);
    assert.equal(first.code, 0, first.stderr);
    fake.misbehave('RetrievePropertiesEx', 'trickle', { intervalMs: 300 });
    const t0 = performance.now();
    const r = await cli(['poll', '--config', config]);
    const ms = performance.now() - t0;
    fake.behave();
    assert.equal(r.code, 0, r.stderr);
    assert.ok(ms < 3000 + LOGOUT_GRACE_MS + MARGIN_MS, `poll took ${Math.round(ms)} ms`);
    const st = await readState(join(dir, 'state.json'));
    const vc = st.devices['vcenter/vc1'];
    assert.equal(vc.state, 'critical');
    assert.match(JSON.stringify(vc), /no answer from 127\.0\.0\.1:\d+ within 3s \(timeout, for the whole poll of this vCenter\): RetrievePropertiesEx unfinished/);
    const laser = st.devices['printer/laser'];
    assert.equal(laser.lastSeen, st.checkedAt, 'the printer was read in this poll');
    assert.ok(laser.metrics.supplies.length > 0);
    assert.ok(Object.values(st.devices).filter((d) => d.kind === 'vm').every((d) => d.blockedBy === 'vcenter/vc1'));
  });
});
