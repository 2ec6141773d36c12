// An inline secret is only as private as the config file it is written in (issue 10): loadConfig() warns,
// with file, YAML path, line and the fix, when group or others may read a config holding an inline
// community, password or key, and when a `*-file` secret file itself is readable by them. `${VAR}` and
// `*-file` secrets in a private config say nothing. Real files with real modes in a temp folder.
import test from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../dist/config/load.js';

function site(lines, files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-secret-modes-'));
  const config = join(dir, 'monitor.config.yaml');
  writeFileSync(config, lines.join('\n') + '\n');
  for (const [name, [text, mode]] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), mode);
  }
  return { dir, config };
}

const INLINE = [
  'printers:',
  '  - { name: p2c, address: 127.0.0.1, snmp: { version: 2c, community: "s3cret-community" } }',
  '  - name: p3',
  '    address: 127.0.0.1',
  '    snmp: { version: 3, user: mon, auth: { protocol: sha, key: "auth-key-123" }, priv: { protocol: aes, key: "${PRIV_KEY}" } }',
  '  - { name: penv, address: 127.0.0.1, snmp: { version: 2c, community: "${COMMUNITY}" } }',
  'email:',
  '  smtp: { host: 127.0.0.1, user: mon, password: "pre-${PW_TAIL}" }',
  '  from: simplemon@example.test',
  '  recipients: [ops@example.test]',
  'services:',
  '  - { name: web, http: "https://mon:url-pw@127.0.0.1/" }',
  '  - { name: web-env, http: "https://mon:${URL_PW}@127.0.0.1/" }',
];
/** `line:col` of `needle` on 1-based line `n` of `lines` (where the YAML value starts). */
const at = (lines, n, needle) => `${n}:${lines[n - 1].indexOf(needle) + 1}`;
const ENV = { PRIV_KEY: 'priv-key-123', COMMUNITY: 'from-env', PW_TAIL: 'tail', URL_PW: 'x' };

test('an inline secret in a config that group or others can read is warned about, with file, path, line and the fix; ${VAR} is not', () => {
  for (const mode of [0o644, 0o640, 0o604]) {
    const { config } = site(INLINE);
    chmodSync(config, mode);
    const cfg = loadConfig(config, { env: ENV });
    const m = `0${mode.toString(8)}`;
    const inline = (path, [n, needle], instead) => `${config}:${at(INLINE, n, needle)}: ${path}: a secret is written inline in a config file that group or others can read (mode ${m}): run chmod 600 ${config}, ${instead}`;
    assert.deepEqual(cfg.warnings, [
      inline('printers[0].snmp.community', [2, '"s3cret'], 'or move it to community-file (readable by simplemon\'s user only)'),
      inline('printers[1].snmp.auth.key', [5, '"auth-key'], 'or move it to key-file (readable by simplemon\'s user only)'),
      inline('email.smtp.password', [8, '"pre-'], 'or move it to password-file (readable by simplemon\'s user only)'),
      inline('services[0].http', [12, '"https://mon:url-pw'], 'or give the URL as "${VAR}" from the environment'),
    ], `mode ${m}`);
  }
});

test('the same config readable by its owner only gives no warning', () => {
  const { config } = site(INLINE);
  chmodSync(config, 0o600);
  assert.deepEqual(loadConfig(config, { env: ENV }).warnings, []);
});

test('a *-file secret that group or others can read is warned about; one readable by its owner only is not', () => {
  const lines = [
    'printers:',
    '  - { name: open, address: 127.0.0.1, snmp: { version: 2c, community-file: open.txt } }',
    '  - { name: shut, address: 127.0.0.1, snmp: { version: 2c, community-file: shut.txt } }',
    'vcenters:',
    '  - { name: vc, url: "https://127.0.0.1/sdk", username: mon, password-file: group.txt }',
  ];
  const { dir, config } = site(
    lines,
    { 'open.txt': ['open-community\n', 0o644], 'shut.txt': ['shut-community\n', 0o600], 'group.txt': ['vc-password\n', 0o640] },
  );
  chmodSync(config, 0o644); // holds no inline secret: its own mode does not matter
  const cfg = loadConfig(config, { env: {} });
  assert.deepEqual(cfg.warnings, [
    `${config}:${at(lines, 2, 'open.txt')}: printers[0].snmp.community-file: the secret file ${join(dir, 'open.txt')} can be read by group or others (mode 0644): run chmod 600 ${join(dir, 'open.txt')}`,
    `${config}:${at(lines, 5, 'group.txt')}: vcenters[0].password-file: the secret file ${join(dir, 'group.txt')} can be read by group or others (mode 0640): run chmod 600 ${join(dir, 'group.txt')}`,
  ]);
  assert.equal(cfg.printers[0].snmp.community, 'open-community', 'still read: a warning, not an error');
});

test('a path with spaces is quoted for the shell in the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon secret modes '));
  const config = join(dir, "it's.yaml");
  writeFileSync(config, 'printers:\n  - { name: a, address: 127.0.0.1, snmp: { version: 1, community: abcdef } }\n');
  chmodSync(config, 0o644);
  const [w] = loadConfig(config, { env: {} }).warnings;
  assert.ok(w.endsWith(`run chmod 600 '${config.replace("'", "'\\''")}', or move it to community-file (readable by simplemon's user only)`), w);
});
