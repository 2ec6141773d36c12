// The demo's own peers against simplemon's real clients, on loopback: the vCenter replay read by the
// vCenter collector (soap package, real HTTP; no Go), and the node:net SMTP capture server fed by the
// email sender (nodemailer), its messages decoded back to subject and text.
import test from 'node:test';
import assert from 'node:assert/strict';
import { startVcenterReplay, setProperty } from '../../dist/demo/vcenter-replay.js';
import { startSmtpCapture, readMail } from '../../dist/demo/smtp-capture.js';
import { collectVcenter } from '../../dist/sources/vcenter/collect.js';
import { createMailer } from '../../dist/notify/send.js';

const vc = (url) => ({ name: 'lab', id: 'vcenter/lab', url, username: 'monitor@vsphere.local', password: 'demo', caFile: null, insecure: false, keepSession: false, pageSize: 1000, timeoutMs: 5000, thresholds: {} });
const ALL = new Set(['hosts', 'vms', 'datastores']);

test('the collector reads the replayed inventory: 4 hosts, 8 VMs, 2 datastores over 3 pages, then logs out; a rewrite shows at the next poll', async () => {
  const server = await startVcenterReplay();
  try {
    const memory = {};
    const r = await collectVcenter(vc(server.url), memory, ALL);
    assert.equal(r.readings[0].reachable, true, r.readings[0].error);
    const count = (kind) => r.readings.filter((x) => x.kind === kind).length;
    assert.deepEqual([count('host'), count('vm'), count('datastore')], [4, 8, 2]);
    assert.equal(r.stats.pages, 3, 'the recorded token chain was followed');
    assert.deepEqual(server.calls, { RetrieveServiceContent: 1, Login: 1, CreateContainerView: 1, RetrievePropertiesEx: 1, ContinueRetrievePropertiesEx: 2, QueryPerf: 1, Logout: 1 });
    const vm2 = (res) => res.readings.find((x) => x.id === 'vm/lab/DC0_C0_RP0_VM2').metrics.cpuPercent;
    assert.equal(vm2(r), 31);

    setProperty(server.recording, 'VirtualMachine', 'DC0_C0_RP0_VM2', 'summary.quickStats.overallCpuUsage', 5820);
    const again = await collectVcenter(vc(server.url), memory, ALL);
    assert.equal(vm2(again), 97);
  } finally {
    await server.close();
  }
});

test('the replay refuses what real vCenter refuses: a wrong page token is a fault the collector reports', async () => {
  const server = await startVcenterReplay();
  try {
    const rec = server.recording;
    // break the chain: the first page now hands out a token that was never recorded
    const first = rec.exchanges.find((e) => e.op === 'RetrievePropertiesEx');
    first.body = first.body.replace('<token>page-1</token>', '<token>page-99</token>');
    const r = await collectVcenter(vc(server.url), {}, ALL);
    assert.equal(r.readings[0].reachable, false);
    assert.match(r.readings[0].error, /SOAP fault InvalidArgument: invalid token page-99/);
    assert.equal(server.calls.Logout, 1, 'the collector still logged out');
  } finally {
    await server.close();
  }
});

test('the SMTP capture server takes what nodemailer sends; readMail() decodes the subject and the text part', async () => {
  const smtp = await startSmtpCapture();
  const mailer = await createMailer({ host: '127.0.0.1', port: smtp.port, secure: false, requireTls: false, user: null, password: null, ca: null, caFile: null, insecure: false, timeoutMs: 5000 }, []);
  try {
    const text = 'simplemon: 1 problem\n\nCRITICAL (was ok)  printer café → 9%\n' + 'x'.repeat(120) + '\n.a line that starts with a dot\n';
    const out = await mailer.send({ messageId: '<demo.1@demo.invalid>', date: new Date().toISOString(), from: 'simplemon@demo.invalid', to: ['ops@demo.invalid', 'lead@demo.invalid'], subject: '[simplemon] café → 1 problem', text, html: '<p>html</p>' });
    assert.equal(out.status, 'sent', JSON.stringify(out));
    assert.equal(smtp.mails.length, 1);
    assert.deepEqual(smtp.mails[0].to, ['ops@demo.invalid', 'lead@demo.invalid']);
    const m = readMail(smtp.mails[0].raw);
    assert.equal(m.subject, '[simplemon] café → 1 problem');
    assert.equal(m.text, text.trimEnd());
  } finally {
    mailer.close();
    await smtp.close();
  }
});
