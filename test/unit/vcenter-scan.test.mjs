// The inventory page reader (src/protocols/soap/scan.ts): the quick token look that lets the next page
// be asked for before this one is read, and the full read into per-object property sets, on hand-written
// pages in the shapes real vCenter and the simulator write, and on a recorded simulator page checked
// against the soap package's own reader (a dev-time oracle).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pageToken, readRetrievePage } from '../../dist/protocols/soap/scan.js';
import { pageReader } from '../../dist/sources/vcenter/inventory.js';
import { mapInventory, toArray, toPropertySet, arrayOf, toBool } from '../../dist/sources/vcenter/map.js';
import soap from 'soap';

const KINDS = { hosts: true, vms: true, datastores: true };
const ENV = 'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
/** A RetrievePropertiesEx answer around `inner` (the children of returnval). */
const page = (inner, { method = 'RetrievePropertiesExResponse', env = ENV } = {}) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope ${env}><soapenv:Body><${method} xmlns="urn:vim25"><returnval>${inner}</returnval></${method}></soapenv:Body></soapenv:Envelope>`;
const vm = (moref, name, extra = '') =>
  `<objects><obj type="VirtualMachine">${moref}</obj><propSet><name>name</name><val xsi:type="xsd:string">${name}</val></propSet>${extra}</objects>`;
const read = (xml) => {
  const objects = [];
  const token = readRetrievePage(xml, (o) => objects.push(o));
  return { token, objects };
};

describe('the page token, found without reading the page', () => {
  test('a token first in returnval (schema order, as vCenter writes it) is found; the full read agrees', () => {
    const xml = page(`<token>42</token>${vm('vm-1', 'a')}${vm('vm-2', 'b')}`);
    assert.equal(pageToken(xml), '42');
    assert.equal(read(xml).token, '42');
  });

  test('no token: the last page (objects first and last) is null; an empty result is null', () => {
    assert.equal(pageToken(page(`${vm('vm-1', 'a')}${vm('vm-2', 'b')}`)), null);
    assert.equal(read(page(vm('vm-1', 'a'))).token, null);
    assert.equal(pageToken('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>'), null);
    assert.equal(pageToken('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"/></soapenv:Body></soapenv:Envelope>'), null);
  });

  test('a <token> element inside a property value is not the page token', () => {
    const nested = `<propSet><name>config.extraConfig</name><val xsi:type="ArrayOfOptionValue"><OptionValue><key>token</key><token>not-this-one</token></OptionValue></val></propSet>`;
    const last = page(`${vm('vm-1', 'a', nested)}${vm('vm-2', 'b')}`);
    assert.equal(pageToken(last), null);
    assert.equal(read(last).token, null);
    const first = page(vm('vm-1', 'a', nested));
    assert.equal(pageToken(first), null, 'the nested token is in the last object, not after it');
    const withToken = page(`<token>page-7</token>${vm('vm-1', 'a', nested)}`);
    assert.equal(pageToken(withToken), 'page-7');
    assert.equal(read(withToken).token, 'page-7');
  });

  test('a token after the objects (not schema order): the quick look cannot tell (undefined), the full read finds it', () => {
    const xml = page(`${vm('vm-1', 'a')}<token>late</token>`);
    assert.equal(pageToken(xml), undefined);
    assert.equal(read(xml).token, 'late');
  });

  test('prefixed elements, entities in the token, a Continue answer, comments and whitespace', () => {
    const xml = `<?xml version="1.0"?><!-- c --><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><v:ContinueRetrievePropertiesExResponse xmlns:v="urn:vim25"><v:returnval>\n  <!-- next --><v:token> a&amp;b </v:token>\n  <v:objects><v:obj type="HostSystem">host-1</v:obj></v:objects>\n</v:returnval></v:ContinueRetrievePropertiesExResponse></S:Body></S:Envelope>`;
    assert.equal(pageToken(xml), 'a&b');
    const r = read(xml);
    assert.equal(r.token, 'a&b');
    assert.deepEqual(r.objects, [{ type: 'HostSystem', moref: 'host-1', props: {}, missing: [] }]);
  });

  test('a malformed or foreign answer: undefined from the quick look (the full read says what is wrong)', () => {
    assert.equal(pageToken('<html><body>RetrievePropertiesExResponse</body></html>'), undefined);
    assert.equal(pageToken(page('<token>1</token>').slice(0, 150)), undefined);
    assert.throws(() => read('<html><body/></html>'), /no SOAP Envelope/);
    assert.throws(() => read(page('<token>1</token>', { method: 'LoginResponse' })), /unexpected answer <LoginResponse>/);
  });
});

describe('reading a page into property sets', () => {
  test('namespaces, entities, CDATA, comments, self-closing elements, single and repeated elements, ">" in attributes', () => {
    const xml = page(
      `<objects><obj type="VirtualMachine">vm-1</obj>
<propSet><name>name</name><val xsi:type="xsd:string">R&amp;D &lt;build&gt; &#233;&#x20AC;</val></propSet>
<propSet><name>guest.disk</name><val xsi:type="ArrayOfGuestDiskInfo" note="1 > 0"><GuestDiskInfo><diskPath><![CDATA[/mnt/a<b & c]]></diskPath><!-- x --><capacity>100</capacity><freeSpace>7</freeSpace></GuestDiskInfo></val></propSet>
<propSet><name>guest.net</name><val xsi:type="ArrayOfGuestNicInfo"/></propSet>
<propSet><name>config.template</name><val xsi:type="xsd:boolean">false</val></propSet>
<propSet><name>runtime.host</name><val type="HostSystem" xsi:type="ManagedObjectReference">host-9</val></propSet>
</objects>`,
    );
    const [o] = read(xml).objects;
    assert.equal(o.moref, 'vm-1');
    assert.equal(o.type, 'VirtualMachine');
    assert.equal(o.props.name, 'R&D <build> é€');
    assert.deepEqual(arrayOf(o.props['guest.disk'], 'GuestDiskInfo'), [{ diskPath: '/mnt/a<b & c', capacity: '100', freeSpace: '7' }]);
    assert.equal(o.props['guest.net'], null, 'an empty array is no value');
    assert.deepEqual(arrayOf(o.props['guest.net'], 'GuestNicInfo'), []);
    assert.equal(toBool(o.props['config.template']), false);
    assert.equal(o.props['runtime.host'], 'host-9');
    // repeated elements become an array, one element stays bare
    const two = read(page(`<objects><obj type="VirtualMachine">vm-2</obj><propSet><name>guest.net</name><val xsi:type="ArrayOfGuestNicInfo"><GuestNicInfo><ipAddress>10.0.0.1</ipAddress><ipAddress>10.0.0.2</ipAddress></GuestNicInfo></val></propSet></objects>`)).objects[0];
    assert.deepEqual(two.props['guest.net'], { GuestNicInfo: { ipAddress: ['10.0.0.1', '10.0.0.2'] } });
  });

  test('missingSet: the fault type is read by namespace — xsi:, the simulator\'s XMLSchema-instance:, any prefix bound to XSI; not a "type" of another namespace', () => {
    const missing = (faultEl) => read(page(`<objects><obj type="VirtualMachine">vm-1</obj><missingSet><path>guest.disk</path><fault>${faultEl}<localizedMessage>denied</localizedMessage></fault></missingSet></objects>`)).objects[0].missing;
    assert.deepEqual(missing('<fault xsi:type="NoPermission"><privilegeId>System.Read</privilegeId></fault>'), [{ path: 'guest.disk', fault: 'NoPermission' }]);
    assert.deepEqual(missing('<fault xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="NotAuthenticated"></fault>'), [{ path: 'guest.disk', fault: 'NotAuthenticated' }]);
    assert.deepEqual(missing('<fault xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:type="vim25:SystemError"/>'), [{ path: 'guest.disk', fault: 'SystemError' }]);
    // a prefix bound elsewhere: its "type" is not the XSI type (the element name is the fallback)
    assert.deepEqual(missing('<fault xmlns:o="urn:other" o:type="NotAuthenticated"><x/></fault>'), [{ path: 'guest.disk', fault: 'x' }]);
    // the prefix bound on an ancestor (the Envelope, as real vCenter does) counts; rebinding it inside hides it
    assert.deepEqual(missing('<fault xmlns:xsi="urn:other" xsi:type="NotAuthenticated"><y/></fault>'), [{ path: 'guest.disk', fault: 'y' }]);
  });

  test('a NotAuthenticated missingSet is the session\'s fault, not an empty VM (the simulator\'s way without a session)', () => {
    const reader = pageReader('vc1');
    const xml = page(`<objects><obj type="VirtualMachine">vm-1</obj><missingSet><path>name</path><fault><fault xsi:type="NotAuthenticated"/><localizedMessage></localizedMessage></fault></missingSet></objects>`);
    assert.throws(() => reader.read(xml), (e) => e.faultType === 'NotAuthenticated');
  });

  test('elements the reader does not know are stepped over, content checked: in returnval, in an object, in a propSet', () => {
    const unknown = '<extra a="1 > 0"><x><y>1</y><![CDATA[<z>]]><!-- <w> --></x><x/></extra>';
    const xml = page(`<token>t</token>${unknown}<objects><obj type="VirtualMachine">vm-1</obj>${unknown}<propSet>${unknown}<name>name</name><val xsi:type="xsd:string">a</val></propSet></objects>`);
    const r = read(xml);
    assert.equal(r.token, 't');
    assert.deepEqual(r.objects, [{ type: 'VirtualMachine', moref: 'vm-1', props: { name: 'a' }, missing: [] }]);
    assert.throws(() => read(xml.replace('</y>', '</q>')), /mismatched end tag <\/q>/);
  });

  test('a character reference beyond Unicode stays as written (no RangeError out of the reader)', () => {
    const [o] = read(page(vm('vm-1', 'a&#x110000;b&#65;'))).objects;
    assert.equal(o.props.name, 'a&#x110000;bA');
  });

  test('malformed pages throw: mismatched and unterminated elements, too deep a nesting', () => {
    assert.throws(() => read(page(vm('vm-1', 'a')).replace('</propSet>', '</propset>')), /mismatched end tag <\/propset>/);
    const whole = page(vm('vm-1', 'a'));
    assert.throws(() => read(whole.slice(0, whole.indexOf('</objects>'))), /unterminated element <objects>/);
    assert.throws(() => read(whole.slice(0, whole.indexOf('</objects>') + 5)), /unterminated end tag/);
    const deep = '<a>'.repeat(100) + 'x' + '</a>'.repeat(100);
    assert.throws(() => read(page(`<objects><obj type="VirtualMachine">vm-1</obj><propSet><name>n</name><val>${deep}</val></propSet></objects>`)), /nested too deep/);
  });

  test('a recorded simulator page maps exactly as the soap package\'s own reader of it does', async () => {
    const xml = readFileSync(new URL('../fixtures/vcenter/sim-retrieve-page.xml', import.meta.url), 'utf8');
    const client = await soap.createClientAsync(fileURLToPath(new URL('../../wsdl/vim25/vimService.wsdl', import.meta.url)), {});
    const slow = client.wsdl.xmlToObject(xml).Body.RetrievePropertiesExResponse.returnval;
    assert.equal(slow.token, 'page-1');
    assert.equal(pageToken(xml), 'page-1');
    const reader = pageReader('vc1');
    assert.equal(reader.read(xml), 'page-1');
    const mc = () => ({ vcenter: 'vc1', kinds: KINDS, perf: new Map(), perfNote: null, gpuNote: null });
    const { mapObjects } = await import('../../dist/sources/vcenter/map.js');
    const fast = mapObjects(reader.objects, mc(), 't');
    const oracle = mapInventory(toArray(slow.objects).map(toPropertySet), mc(), 't');
    assert.equal(fast.length, 7);
    assert.deepEqual(fast.map((r) => r.kind).sort(), ['host', 'vm', 'vm', 'vm', 'vm', 'vm', 'vm']);
    assert.ok(fast.filter((r) => r.kind === 'vm').every((r) => r.metrics.disks.length && r.metrics.ips.length));
    assert.deepEqual(fast, oracle);
  });
});
