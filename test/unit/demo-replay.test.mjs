// The demo's vCenter replay: which recorded answer a request gets (by SOAP operation and page token),
// the session it keeps like real vCenter, and the rewriting of one property between polls. Row for row
// the table above answerRequest() in src/demo/vcenter-replay.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { answerRequest, getProperty, loadRecording, requestKey, setProperty } from '../../dist/demo/vcenter-replay.js';

const envelope = (inner, prefix = 'soap') =>
  `<?xml version="1.0" encoding="utf-8"?><${prefix}:Envelope xmlns:${prefix}="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:vim25"><${prefix}:Body>\n  ${inner}</${prefix}:Body></${prefix}:Envelope>`;
const req = {
  content: envelope('<urn:RetrieveServiceContent><urn:_this type="ServiceInstance">ServiceInstance</urn:_this></urn:RetrieveServiceContent>'),
  login: envelope('<urn:Login><urn:_this type="SessionManager">SessionManager</urn:_this><urn:userName>u</urn:userName><urn:password>p</urn:password></urn:Login>'),
  retrieve: envelope('<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><specSet/></RetrievePropertiesEx>', 'soapenv'),
  next: (token) => envelope(`<urn:ContinueRetrievePropertiesEx><urn:_this type="PropertyCollector">propertyCollector</urn:_this><urn:token>${token}</urn:token></urn:ContinueRetrievePropertiesEx>`),
  logout: envelope('<urn:Logout><urn:_this type="SessionManager">SessionManager</urn:_this></urn:Logout>'),
  perf: envelope('<urn:QueryPerfCounter><urn:_this type="PerformanceManager">PerfMgr</urn:_this></urn:QueryPerfCounter>'),
};

const ex = (op, body, token = null) => ({ op, token, status: 200, contentType: 'text/xml; charset=utf-8', body });
const REC = {
  recorded: '2026-12-01',
  source: 'test',
  exchanges: [
    ex('RetrieveServiceContent', 'content'),
    ex('Login', 'login'),
    ex('RetrievePropertiesEx', 'page 0'),
    ex('ContinueRetrievePropertiesEx', 'page 1', 'page-1'),
    ex('ContinueRetrievePropertiesEx', 'page 2', 'page-2'),
    ex('Logout', 'logout'),
  ],
};

test('requestKey() reads the operation whatever the namespace prefix, and the token of ContinueRetrievePropertiesEx only', () => {
  assert.deepEqual(requestKey(req.content), { op: 'RetrieveServiceContent', token: null });
  assert.deepEqual(requestKey(req.retrieve), { op: 'RetrievePropertiesEx', token: null });
  assert.deepEqual(requestKey(req.next('page-2')), { op: 'ContinueRetrievePropertiesEx', token: 'page-2' });
  assert.deepEqual(requestKey('<html>no soap</html>'), { op: null, token: null });
});

test('answerRequest() follows the session: open operations, Login sets a quoted cookie, others need it, Logout ends it', () => {
  const sessions = new Set();
  assert.equal(answerRequest(REC, sessions, req.content, undefined).body, 'content', 'RetrieveServiceContent needs no session');
  const denied = answerRequest(REC, sessions, req.retrieve, undefined);
  assert.equal(denied.status, 500);
  assert.match(denied.body, /xsi:type="NotAuthenticated"/);
  const login = answerRequest(REC, sessions, req.login, undefined);
  assert.equal(login.body, 'login');
  const cookie = /^(vmware_soap_session="[^"]+")/.exec(login.setCookie)?.[1];
  assert.ok(cookie, login.setCookie);
  assert.equal(answerRequest(REC, sessions, req.retrieve, `${cookie}`).body, 'page 0');
  assert.match(answerRequest(REC, sessions, req.retrieve, 'vmware_soap_session="someone-else"').body, /NotAuthenticated/, 'an unknown cookie is no session');
  assert.equal(answerRequest(REC, sessions, req.logout, cookie).body, 'logout');
  assert.match(answerRequest(REC, sessions, req.retrieve, cookie).body, /NotAuthenticated/, 'the session ended with Logout');
});

test('answerRequest() answers pages by token; an unknown token, an unrecorded operation and a non-SOAP body get faults', () => {
  const sessions = new Set();
  const cookie = /^([^;]+)/.exec(answerRequest(REC, sessions, req.login).setCookie)[1];
  const rows = [
    // request, status, body
    [req.retrieve, 200, /^page 0$/],
    [req.next('page-1'), 200, /^page 1$/],
    [req.next('page-2'), 200, /^page 2$/],
    [req.next('page-9'), 500, /xsi:type="InvalidArgument"/],
    [req.perf, 500, /xsi:type="NotSupported"/],
    ['<html>no soap</html>', 400, /not a SOAP request/],
  ];
  for (const [body, status, re] of rows) {
    const a = answerRequest(REC, sessions, body, cookie);
    assert.equal(a.status, status, body);
    assert.match(a.body, re, body);
  }
  assert.match(answerRequest(REC, sessions, req.next('page-9'), cookie).body, /<faultstring>invalid token page-9<\/faultstring>/);
});

test('setProperty() rewrites one property of the named object in the recorded pages, and nothing else', () => {
  const rec = loadRecording();
  const before = structuredClone(rec);
  assert.equal(getProperty(rec, 'VirtualMachine', 'DC0_C0_RP0_VM2', 'summary.quickStats.overallCpuUsage'), '1860');
  const other = getProperty(rec, 'VirtualMachine', 'DC0_C0_RP0_VM3', 'summary.quickStats.overallCpuUsage');
  setProperty(rec, 'VirtualMachine', 'DC0_C0_RP0_VM2', 'summary.quickStats.overallCpuUsage', 5820);
  assert.equal(getProperty(rec, 'VirtualMachine', 'DC0_C0_RP0_VM2', 'summary.quickStats.overallCpuUsage'), '5820');
  assert.equal(getProperty(rec, 'VirtualMachine', 'DC0_C0_RP0_VM3', 'summary.quickStats.overallCpuUsage'), other);
  const changed = rec.exchanges.filter((e, i) => e.body !== before.exchanges[i].body);
  assert.equal(changed.length, 1, 'one page changed');
  assert.equal(changed[0].body.length, before.exchanges[rec.exchanges.indexOf(changed[0])].body.length, '1860 → 5820: same length, only the digits differ');
  assert.throws(() => setProperty(rec, 'VirtualMachine', 'no-such-vm', 'summary.quickStats.overallCpuUsage', 1), /no VirtualMachine "no-such-vm"/);
  assert.throws(() => setProperty(rec, 'HostSystem', 'DC0_C0_RP0_VM2', 'summary.quickStats.overallCpuUsage', 1), /no HostSystem/, 'the type must match too');
});
