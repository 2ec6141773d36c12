// The compiled config cached beside the state (config/cache.ts, issue 13): the read-only commands read
// it instead of parsing a large YAML config. It must give what a full parse gives (secrets aside), follow
// every change of what the config was built from, and never hold a secret.
import test from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigView, scrub, revive, stateFileIn, cacheFileOf, SECRET_NOT_LOADED } from '../../dist/config/cache.js';
import { loadConfig } from '../../dist/config/load.js';

const CA = join(import.meta.dirname, '..', 'fixtures', 'tls', 'sample-ca.pem');
// every secret a config can hold, each a marker that must never reach the cache file
const M = {
  community: 'Mk-community-1a2b',
  communityFile: 'Mk-communityfile-3c4d',
  authKey: 'Mk-authkey-5e6f7a8b',
  privKey: 'Mk-privkey-9c0d1e2f',
  vcPassword: 'Mk-vcpass-env-3a4b',
  smtpPassword: 'Mk-smtppass-5c6d',
  ippPassword: 'Mk-ipppass-7e8f',
  urlPassword: 'Mk-urlpass-9a0b',
};

function site() {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-cfgcache-'));
  mkdirSync(join(dir, 'state'), { mode: 0o700 });
  writeFileSync(join(dir, 'community.txt'), `${M.communityFile}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'smtp.pass'), `${M.smtpPassword}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'ipp.pass'), `${M.ippPassword}\n`, { mode: 0o600 });
  copyFileSync(CA, join(dir, 'ca.pem'));
  const file = join(dir, 'monitor.config.yaml');
  const yaml = [
    'state-file: state/simplemon.json   # beside the history',
    'poll-interval: 5m',
    'printers:',
    `  - { name: a, address: 192.0.2.1, snmp: { version: 2c, community: ${M.community} } }`,
    '  - { name: b, address: "${PRINTER_B}", snmp: { version: 2c, community-file: community.txt }, ipp: "ipp://192.0.2.2/ipp/print", ipp-user: mon, ipp-password-file: ipp.pass }',
    '  - name: c',
    '    address: 192.0.2.3',
    '    snmp:',
    '      version: 3',
    '      user: mon',
    `      auth: { protocol: sha, key: ${M.authKey} }`,
    `      priv: { protocol: aes, key: ${M.privKey} }`,
    'vcenters:',
    '  - { name: vc1, url: "https://127.0.0.1:8989/sdk", username: mon, password: "${VC_PASSWORD}", ca-file: ca.pem }',
    'services:',
    `  - { name: web, http: "https://mon:${M.urlPassword}@127.0.0.1:8443/health", keyword: OK }`,
    '  - { name: smtp, tcp: "127.0.0.1:25" }',
    'email:',
    '  smtp: { host: 127.0.0.1, port: 2525, user: mon, password-file: smtp.pass, ca-file: ca.pem }',
    '  from: simplemon@example.com',
    '  recipients: [ops@example.com]',
    '',
  ].join('\n');
  writeFileSync(file, yaml, { mode: 0o600 });
  const env = { PRINTER_B: '192.0.2.2', VC_PASSWORD: M.vcPassword };
  return { dir, file, env, cache: cacheFileOf(join(dir, 'state', 'simplemon.json')) };
}

test('the cached config is what a full parse gives, secrets aside; the cache file holds no secret', async (t) => {
  const s = site();
  t.after(() => rmSync(s.dir, { recursive: true, force: true }));
  const full = loadConfig(s.file, { env: s.env });
  for (const v of Object.values(M)) assert.ok(JSON.stringify(full, (k, x) => (x instanceof URL ? x.href : x)).includes(v) || full.secrets.includes(v), `the full parse has ${v}`);

  const miss = await loadConfigView(s.file, { env: s.env });
  assert.ok(existsSync(s.cache), 'the cache is written beside the state');
  assert.equal(statSync(s.cache).mode & 0o777, 0o600);
  const text = readFileSync(s.cache, 'utf8');
  for (const [what, v] of Object.entries(M)) assert.ok(!text.includes(v) && !text.includes(encodeURIComponent(v)), `${what} is not in the cache file`);

  const hit = await loadConfigView(s.file, { env: s.env });
  assert.deepStrictEqual(hit, miss, 'read from the cache: the same as when it was written');
  assert.deepStrictEqual(hit, revive(scrub(full)), 'and the same as the full parse without its secrets');
  assert.equal(hit.services[0].check.url, `https://mon:${encodeURIComponent(SECRET_NOT_LOADED)}@127.0.0.1:8443/health`, 'a URL keeps all but its password');
  assert.equal(hit.printers[0].snmp.community, SECRET_NOT_LOADED);
  assert.equal(hit.printers[2].snmp.auth.key, SECRET_NOT_LOADED);
  assert.equal(hit.vcenters[0].password, SECRET_NOT_LOADED);
  assert.deepEqual(hit.secrets, []);
  assert.equal(hit.printers[1].address, '192.0.2.2', 'a plain ${VAR} is expanded');
  assert.match(JSON.stringify(hit.email), /BEGIN CERTIFICATE/, 'non-secret file contents (the SMTP ca-file) are kept');

  // the cache is really read: a hand-edited cache with the same key shows through
  const c = JSON.parse(text);
  c.config.pollIntervalMs = 123_000;
  writeFileSync(s.cache, JSON.stringify(c), { mode: 0o600 });
  assert.equal((await loadConfigView(s.file, { env: s.env })).pollIntervalMs, 123_000, 'a hit does not parse the YAML');
});

test('any change of what the config was built from is a miss: text (same size and mtime), plain ${VAR}, secret ${VAR}, a ca-file', async (t) => {
  const s = site();
  t.after(() => rmSync(s.dir, { recursive: true, force: true }));
  const poisoned = async () => {
    // mark the cache so that a hit shows: poll-interval 123s, which the YAML never says
    const c = JSON.parse(readFileSync(s.cache, 'utf8'));
    c.config.pollIntervalMs = 123_000;
    writeFileSync(s.cache, JSON.stringify(c), { mode: 0o600 });
  };
  await loadConfigView(s.file, { env: s.env });
  await poisoned();
  assert.equal((await loadConfigView(s.file, { env: s.env })).pollIntervalMs, 123_000, 'unchanged: a hit');

  // the text changes, size and mtime kept: the hash tells
  const st = statSync(s.file);
  writeFileSync(s.file, readFileSync(s.file, 'utf8').replace('poll-interval: 5m', 'poll-interval: 7m'));
  utimesSync(s.file, st.atime, st.mtime);
  assert.equal(statSync(s.file).size, st.size);
  assert.equal((await loadConfigView(s.file, { env: s.env })).pollIntervalMs, 7 * 60_000, 'same size and mtime, other text: parsed again');

  await poisoned();
  const moved = await loadConfigView(s.file, { env: { ...s.env, PRINTER_B: '192.0.2.99' } });
  assert.equal(moved.printers[1].address, '192.0.2.99', 'a plain variable changed: parsed again');

  await poisoned();
  assert.equal((await loadConfigView(s.file, { env: { ...s.env, PRINTER_B: '192.0.2.99', VC_PASSWORD: 'another-one' } })).pollIntervalMs, 7 * 60_000, 'a secret variable changed: parsed again');
  assert.ok(!readFileSync(s.cache, 'utf8').includes('another-one'), 'its value is not written');

  await assert.rejects(loadConfigView(s.file, { env: { PRINTER_B: '192.0.2.99' } }), /VC_PASSWORD is not set/, 'a variable unset: the full parse says so, as before');

  await loadConfigView(s.file, { env: s.env });
  await poisoned();
  writeFileSync(join(s.dir, 'ca.pem'), readFileSync(CA, 'utf8') + '\n');
  assert.equal((await loadConfigView(s.file, { env: s.env })).pollIntervalMs, 7 * 60_000, 'a ca-file changed: parsed again');
});

test('a torn, foreign or linked cache is never used; a config error is still an error; no folder is created', async (t) => {
  const s = site();
  t.after(() => rmSync(s.dir, { recursive: true, force: true }));
  const want = await loadConfigView(s.file, { env: s.env });
  writeFileSync(s.cache, '{"format":1,"file":', { mode: 0o600 });
  assert.deepStrictEqual(await loadConfigView(s.file, { env: s.env }), want, 'torn: parsed in full');
  assert.doesNotThrow(() => JSON.parse(readFileSync(s.cache, 'utf8')), 'and written anew');

  // a valid cache with a mark, reached through a link in the cache's name: not followed
  const c = JSON.parse(readFileSync(s.cache, 'utf8'));
  c.config.pollIntervalMs = 123_000;
  const elsewhere = join(s.dir, 'elsewhere.json');
  writeFileSync(elsewhere, JSON.stringify(c), { mode: 0o600 });
  rmSync(s.cache);
  symlinkSync(elsewhere, s.cache);
  assert.deepStrictEqual(await loadConfigView(s.file, { env: s.env }), want, 'a link in its name is not followed');
  assert.equal(JSON.parse(readFileSync(elsewhere, 'utf8')).config.pollIntervalMs, 123_000, 'nor written through');

  writeFileSync(s.file, readFileSync(s.file, 'utf8').replace('poll-interval: 5m', 'poll-interval: 5s'));
  await assert.rejects(loadConfigView(s.file, { env: s.env }), /poll-interval: must be at least 1m/);

  const bare = mkdtempSync(join(tmpdir(), 'simplemon-cfgcache-'));
  t.after(() => rmSync(bare, { recursive: true, force: true }));
  writeFileSync(join(bare, 'c.yaml'), 'state-file: not-yet/s.json\n');
  await loadConfigView(join(bare, 'c.yaml'), { env: {} });
  assert.ok(!existsSync(join(bare, 'not-yet')), 'a read-only command creates no folder');

});

test('stateFileIn(): the state file from a top-level state-file line, or null when only a full parse can tell', () => {
  assert.equal(stateFileIn('state-file: s.json\n', '/etc/simplemon'), '/etc/simplemon/s.json');
  assert.equal(stateFileIn('state-file: "/var/lib/simplemon/state.json"  # comment\n', '/x'), '/var/lib/simplemon/state.json');
  assert.equal(stateFileIn("state-file: 'a b.json'\n", '/x'), '/x/a b.json');
  assert.equal(stateFileIn('printers: []\n', '/x'), '/x/state/simplemon.json', 'none: the default');
  assert.equal(stateFileIn('state-file: ${STATE}\n', '/x'), null);
  assert.equal(stateFileIn('state-file: "${STATE}"\n', '/x'), null);
  assert.equal(stateFileIn('{ state-file: s.json }\n', '/x'), null, 'a flow mapping');
  assert.equal(stateFileIn('state-file: *anchor\n', '/x'), null);
  assert.equal(stateFileIn('state-file: a.json\nstate-file: b.json\n', '/x'), null, 'twice');
  assert.equal(stateFileIn('  state-file: nested.json\n', '/x'), '/x/state/simplemon.json', 'an indented key is not the top-level one');
});

test('poll compiles the config for the read-only commands: loadConfigAndCache gives the full config and leaves the cache', async (t) => {
  const { loadConfigAndCache } = await import('../../dist/config/cache.js');
  const s = site();
  t.after(() => rmSync(s.dir, { recursive: true, force: true }));
  const full = await loadConfigAndCache(s.file, { env: s.env });
  assert.equal(full.printers[0].snmp.community, M.community, 'the poll has its secrets');
  assert.ok(existsSync(s.cache));
  for (const v of Object.values(M)) assert.ok(!readFileSync(s.cache, 'utf8').includes(v));
  const c = JSON.parse(readFileSync(s.cache, 'utf8'));
  c.config.pollIntervalMs = 123_000;
  writeFileSync(s.cache, JSON.stringify(c), { mode: 0o600 });
  assert.equal((await loadConfigView(s.file, { env: s.env })).pollIntervalMs, 123_000, 'the next status reads it');
});
