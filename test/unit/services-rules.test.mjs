// Service rules, table-driven: metrics of one check → the observation of each rule, row for row with the
// decisions in src/sources/services/rules.ts. Then through evaluate(): a service that answers badly is
// critical (reachable), a check that could not run leaves it unknown.
import test from 'node:test';
import assert from 'node:assert/strict';
import { SERVICE_RULES } from '../../dist/sources/services/rules.js';
import { serviceNumbers } from '../../dist/sources/services/numbers.js';
import { observeRule, resolveRule } from '../../dist/core/rule.js';
import { evaluate } from '../../dist/core/evaluate.js';

const defs = Object.fromEntries(SERVICE_RULES.map((d) => [d.name, d]));
const defaults = Object.fromEntries(SERVICE_RULES.map((d) => [d.name, resolveRule(d)]));

const base = { statusCode: null, latencyMs: null, certDaysLeft: null, keywordFound: null, lossPercent: null, rttAvgMs: null, rttMaxMs: null, redirects: null, answer: null, error: null };
const http = (o) => ({ ...base, type: 'http', target: 'https://intranet.example.com/health', up: true, statusCode: 200, latencyMs: 42, certDaysLeft: 80, redirects: 0, ...o });
const tcp = (o) => ({ ...base, type: 'tcp', target: 'mail.example.com:25', up: true, latencyMs: 3, ...o });
const ping = (o) => ({ ...base, type: 'ping', target: '192.0.2.1', up: true, latencyMs: 0.5, lossPercent: 0, rttAvgMs: 0.5, rttMaxMs: 0.9, ...o });
const dns = (o) => ({ ...base, type: 'dns', target: 'intranet.example.com', up: true, latencyMs: 1.2, answer: ['192.0.2.10'], ...o });

// [case, metrics, { rule: [state, message] } for every rule not ok]
const TABLE = [
  ['a healthy website', http({}), {}],
  ['a 500', http({ up: false, statusCode: 500, error: 'status 500, expected 200–399' }), { up: ['critical', 'status 500, expected 200–399'] }],
  ['keyword missing', http({ up: false, keywordFound: false, error: 'keyword "OK" not found' }), { up: ['critical', 'keyword "OK" not found'] }],
  ['unwanted keyword present', http({ up: false, keywordFound: true, error: 'unwanted keyword "Maintenance" found' }), { up: ['critical', 'unwanted keyword "Maintenance" found'] }],
  ['connection refused', http({ up: false, statusCode: null, latencyMs: null, certDaysLeft: null, error: 'connection refused by 127.0.0.1:1' }), { up: ['critical', 'connection refused by 127.0.0.1:1'] }],
  ['a name that does not resolve', http({ up: false, statusCode: null, latencyMs: null, certDaysLeft: null, error: 'nowhere.invalid does not resolve' }), { up: ['critical', 'nowhere.invalid does not resolve'] }],
  ['an expired certificate', http({ up: false, statusCode: null, latencyMs: null, certDaysLeft: -2, error: 'certificate has expired on 2026-11-29' }), {
    up: ['critical', 'certificate has expired on 2026-11-29'], 'cert-days': ['critical', 'certificate expires in -2 days < 3 days'],
  }],
  ['a certificate that expires in 10 days', http({ certDaysLeft: 10.4 }), { 'cert-days': ['warning', 'certificate expires in 10.4 days < 14 days'] }],
  ['a certificate that expires in 2 days', http({ certDaysLeft: 2 }), { 'cert-days': ['critical', 'certificate expires in 2 days < 3 days'] }],
  ['a slow website', http({ latencyMs: 1500 }), { 'latency-ms': ['warning', 'latency 1500 ms > 1000 ms'] }],
  ['a very slow website', http({ latencyMs: 9000 }), { 'latency-ms': ['critical', 'latency 9000 ms > 8000 ms'] }],
  ['a timeout', http({ up: false, statusCode: null, latencyMs: null, certDaysLeft: null, error: 'timed out after 10s waiting for the response from 127.0.0.1:8443' }), { up: ['critical', 'timed out after 10s waiting for the response from 127.0.0.1:8443'] }],
  ['an open port', tcp({}), {}],
  ['a closed port', tcp({ up: false, latencyMs: null, error: 'connection refused by 127.0.0.1:9' }), { up: ['critical', 'connection refused by 127.0.0.1:9'] }],
  ['a ping without loss', ping({}), {}],
  ['a ping with 20% loss', ping({ lossPercent: 20 }), { 'loss-percent': ['warning', 'packet loss 20% > 10%'] }],
  ['a ping with 60% loss', ping({ lossPercent: 60 }), { 'loss-percent': ['critical', 'packet loss 60% > 50%'] }],
  ['no reply to any ping', ping({ up: false, lossPercent: 100, latencyMs: null, rttAvgMs: null, rttMaxMs: null, error: 'no reply from 192.0.2.1 (5 sent, 100% loss)' }), {
    up: ['critical', 'no reply from 192.0.2.1 (5 sent, 100% loss)'], 'loss-percent': ['critical', 'packet loss 100% > 50%'],
  }],
  ['a DNS answer as expected', dns({}), {}],
  ['NXDOMAIN', dns({ up: false, answer: [], error: 'intranet.example.com does not resolve (NXDOMAIN)' }), { up: ['critical', 'intranet.example.com does not resolve (NXDOMAIN)'] }],
  ['a DNS answer that differs', dns({ up: false, answer: ['192.0.2.99'], error: 'intranet.example.com A is 192.0.2.99, expected 192.0.2.10' }), {
    up: ['critical', 'intranet.example.com A is 192.0.2.99, expected 192.0.2.10'],
  }],
  ['no metrics yet', {}, {}],
];

for (const [name, metrics, expected] of TABLE) {
  test(`service rules: ${name}`, () => {
    for (const def of SERVICE_RULES) {
      if (def.name === 'reachable') continue;
      const obs = observeRule(def, metrics, defaults[def.name], 'ok');
      const [state, message] = expected[def.name] ?? ['ok', null];
      assert.deepEqual([obs.state, obs.message], [state, message], `rule ${def.name}`);
    }
  });
}

test('service rules: the defaults are latency above 1000/8000 ms, cert-days below 14/3, loss above 10/50 %', () => {
  assert.deepEqual(SERVICE_RULES.map((d) => d.name), ['reachable', 'up', 'latency-ms', 'cert-days', 'loss-percent']);
  assert.equal(defs.reachable.defaults.options.severity, 'unknown');
  assert.deepEqual([defs['latency-ms'].direction, defs['cert-days'].direction, defs['loss-percent'].direction], ['above', 'below', 'above']);
  assert.deepEqual([defaults['latency-ms'].warning, defaults['latency-ms'].critical], [{ op: 'above', value: 1000 }, { op: 'above', value: 8000 }]);
  assert.deepEqual([defaults['cert-days'].warning, defaults['cert-days'].critical], [{ op: 'below', value: 14 }, { op: 'below', value: 3 }]);
  assert.deepEqual([defaults['loss-percent'].warning, defaults['loss-percent'].critical], [{ op: 'above', value: 10 }, { op: 'above', value: 50 }]);
});

test('evaluate(): a service that answers badly is critical with the reason; one whose check could not run is unknown', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const rulesOf = () => ({ defs: SERVICE_RULES, settings: defaults });
  const reading = (name, o) => ({ id: `service/${name}`, kind: 'service', name, target: 't', reachable: true, error: null, metrics: {}, ...o });
  const out = evaluate({
    now,
    previous: {},
    rulesOf,
    readings: [
      reading('web', { metrics: http({ up: false, statusCode: 503, error: 'status 503, expected 200' }) }),
      reading('sw', { reachable: false, error: 'ping not found: install iputils-ping (ping is not on PATH)' }),
      reading('ok', { metrics: tcp({}) }),
    ],
  });
  const web = out.devices['service/web'];
  assert.equal(web.state, 'critical');
  assert.equal(web.rules.up.message, 'status 503, expected 200');
  assert.equal(out.devices['service/sw'].state, 'unknown');
  assert.equal(out.devices['service/sw'].reach.error, 'ping not found: install iputils-ping (ping is not on PATH)');
  assert.equal(out.devices['service/ok'].state, 'ok');
});

test('serviceNumbers(): latency in seconds with the levels converted, certificate days for HTTPS, loss and round trips for ping', () => {
  const https = serviceNumbers(http({ latencyMs: 250, certDaysLeft: 12.5 }), defaults);
  assert.deepEqual(https.map((n) => [n.name, n.key, n.value, n.unit]), [['up', 'up', 1, ''], ['latency_seconds', 'latency', 0.25, 's'], ['cert_days_left', 'cert_days', 12.5, '']]);
  const lat = https.find((n) => n.key === 'latency');
  assert.deepEqual([lat.warning, lat.critical], [{ op: 'above', value: 1 }, { op: 'above', value: 8 }]);
  const cert = https.find((n) => n.key === 'cert_days');
  assert.deepEqual([cert.warning, cert.critical], [{ op: 'below', value: 14 }, { op: 'below', value: 3 }]);
  assert.equal(serviceNumbers(http({ certDaysLeft: null }), defaults).some((n) => n.key === 'cert_days'), false, 'plain http: no certificate');
  const p = serviceNumbers(ping({ up: false, lossPercent: 100, latencyMs: null, rttAvgMs: null, rttMaxMs: null }), defaults);
  assert.deepEqual(p.map((n) => [n.key, n.value]), [['up', 0], ['latency', null], ['loss', 100], ['rtt_avg', null], ['rtt_max', null]]);
  assert.deepEqual(p.find((n) => n.key === 'loss').critical, { op: 'above', value: 50 });
  const off = { ...defaults, 'latency-ms': { ...defaults['latency-ms'], enabled: false } };
  assert.deepEqual(serviceNumbers(tcp({}), off).find((n) => n.key === 'latency').critical, null, 'a rule turned off shows no levels');
  assert.deepEqual(serviceNumbers({}, defaults), [], 'never checked: no numbers');
});
