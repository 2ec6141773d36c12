// Config validation: every error at once, each with file, YAML path and line:column.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig, findConfig, loadConfig } from '../../dist/config/load.js';
import { parseDuration } from '../../dist/config/validate.js';

const repo = resolve(import.meta.dirname, '..', '..');
const FILE = '/etc/simplemon/monitor.config.yaml';

function errorsOf(yaml, env = {}) {
  try {
    parseConfig(yaml, FILE, { env });
  } catch (e) {
    assert.equal(e.exitCode, 2, 'config errors exit 2');
    return e.message.split('\n').slice(1);
  }
  assert.fail('expected a config error');
}

test('the shipped sample config monitor.config.yaml validates and shows the documented defaults', () => {
  const file = join(repo, 'monitor.config.yaml');
  const cfg = parseConfig(readFileSync(file, 'utf8'), file, { env: {} });
  assert.equal(cfg.stateFile, join(repo, 'state', 'simplemon.json'), 'relative to the config folder');
  assert.deepEqual(cfg.defaults, { timeoutMs: 2000, retries: 1, concurrency: 32 });
  assert.equal(cfg.lockTimeoutMs, 60_000);
  assert.equal(cfg.printers[0].id, 'printer/office-1');
  assert.deepEqual(cfg.thresholds.printer['toner-low'].critical, { op: 'below', value: 20 });
  assert.deepEqual([cfg.thresholds.printer['supply-low'].warning, cfg.thresholds.printer['supply-low'].critical], [{ op: 'below', value: 10 }, undefined]);
  assert.deepEqual([cfg.thresholds.printer['waste-full'].warning, cfg.thresholds.printer['waste-full'].critical], [{ op: 'above', value: 90 }, { op: 'above', value: 95 }]);
  assert.equal(cfg.pollIntervalMs, 5 * 60_000);
  assert.equal(cfg.thresholds.printer.reachable.failuresBeforeAlert, 2, 'the built-in default, shown');
});

test('the sample config shows a night window for printers that are switched off, and file forms for every secret', () => {
  const text = readFileSync(join(repo, 'monitor.config.yaml'), 'utf8');
  const night = text.split('\n').find((l) => l.includes('printers-off-at-night'));
  assert.ok(night, 'the sample shows a maintenance window for printers at night');
  const cfg = parseConfig(text.replace('maintenance: []', `maintenance:\n${night.replace(/^#/, '')}`), join(repo, 'monitor.config.yaml'), { env: {} });
  assert.deepEqual(cfg.maintenance.map((w) => [w.name, w.devices]), [['printers-off-at-night', ['printer/*']]]);
  // secrets as files: ${ENV} is not set under cron
  for (const line of text.split('\n').filter((l) => /^\s*#?\s*-?\s*(password|key|community)\s*:|[{ ](password|key):\s/.test(l))) {
    assert.doesNotMatch(line.replace(/#.*?(not set under cron|or password)/, ''), /(password|key): *"?\$\{/, `an inline \${ENV} secret in the sample: ${line}`);
  }
  assert.match(text, /cron runs jobs with\s*\n?#?\s*only HOME, LOGNAME, PATH and SHELL/);
});

test('poll-interval: a duration of at least 1m (default 5m)', () => {
  assert.equal(parseConfig('poll-interval: 10m\n', FILE, { env: {} }).pollIntervalMs, 600_000);
  assert.equal(parseConfig('', FILE, { env: {} }).pollIntervalMs, 300_000);
  assert.match(errorsOf('poll-interval: 30s\n')[0], /poll-interval: must be at least 1m/);
});

test('YAML syntax errors give line and column, a hint where one is known, and never end in a dangling colon', () => {
  const errs = errorsOf('printers:\n  - { name: a, address: h, snmp: { version: 2c, community: ${PRINTER_COMMUNITY} } }\n');
  assert.equal(errs.length, 1, 'one error per line: one cause');
  assert.match(errs[0], /^\/etc\/simplemon\/monitor\.config\.yaml:2:\d+: YAML syntax: \$\{PRINTER_COMMUNITY\} inside \{ \} or \[ \] must be quoted: write "\$\{PRINTER_COMMUNITY\}"$/);
  const tab = errorsOf('printers:\n\t- { name: a }\n');
  assert.match(tab[0], /:2:1: YAML syntax: a tab is used for indentation; YAML allows only spaces there$/);
  for (const e of [...errs, ...tab, ...errorsOf('a: "open\n'), ...errorsOf('x: 1\nx: 2\n')]) assert.doesNotMatch(e, /[:\s]$/, e);
});

test('an empty config is valid and has no devices', () => {
  const cfg = parseConfig('', FILE, { env: {} });
  assert.equal(cfg.printers.length, 0);
  assert.equal(cfg.stateFile, '/etc/simplemon/state/simplemon.json');
});

test('every error is reported at once with its YAML path and line:column', () => {
  const errs = errorsOf(
    [
      'defaults:',
      '  timeout: soon', // 2
      '  retries: -1', // 3
      'printers:',
      '  - name: p1',
      '    address: 127.0.0.1',
      '    snmp: { version: 4, community: public }', // 7
      '  - name: p1', // 8
      '    adress: 127.0.0.2', // 9 typo
      '    snmp: { version: 2c }', // 10 missing community
      'thresholds:',
      '  printer:',
      '    toner-lo: { below: 20 }', // 13 unknown rule
      '    printer-status: { below: 5 }', // 14 not a threshold rule
    ].join('\n'),
  );
  const has = (re) => assert.ok(errs.some((e) => re.test(e)), `no error matching ${re} in:\n${errs.join('\n')}`);
  has(/^\/etc\/simplemon\/monitor\.config\.yaml:2:12: defaults\.timeout: "soon" is not a duration/);
  has(/:3:12: defaults\.retries: must be at least 0/);
  has(/:7:22: printers\[0\]\.snmp\.version: expected one of 1, 2c, 3/);
  has(/:9:5: printers\[1\]\.adress: unknown key "adress" \(did you mean "address"\?\)/);
  has(/:8:5: printers\[1\]: missing required key "address"/);
  has(/:10:11: printers\[1\]\.snmp: missing community \(or community-file\)/);
  has(/:13:5: thresholds\.printer\.toner-lo: unknown rule "toner-lo" for printer; known rules: reachable, toner-low, printer-status/);
  has(/:14:23: thresholds\.printer\.printer-status\.below: unknown key "below"/);
});

test('YAML syntax errors name the file and line', () => {
  const errs = errorsOf('printers:\n  - name: [oops\n');
  assert.match(errs[0], /^\/etc\/simplemon\/monitor\.config\.yaml:\d+:\d+: YAML syntax: /);
});

test('duplicate keys and duplicate printer names are errors', () => {
  assert.ok(errorsOf('lock-timeout: 1s\nlock-timeout: 2s\n')[0].includes('YAML syntax'));
  const errs = errorsOf('printers:\n  - { name: a, address: h1, snmp: { version: 1, community: c } }\n  - { name: a, address: h2, snmp: { version: 1, community: c } }\n');
  assert.match(errs.join('\n'), /:3:5: printers\[1\]\.name: duplicate printer name "a"/);
});

test('wrong types are errors, not coercions', () => {
  const errs = errorsOf('event-log-size: "many"\nprinters:\n  - { name: a, address: h, port: 70000, snmp: { version: 2c, community: 5 } }\n  - "just a string"\n');
  assert.match(errs.join('\n'), /event-log-size: expected a number, got "many"/);
  assert.match(errs.join('\n'), /printers\[0\]\.port: must be at most 65535/);
  assert.match(errs.join('\n'), /printers\[1\]: expected a mapping, got "just a string"/);
});

test('${ENV} expansion, and a missing variable is an error rather than an empty secret', () => {
  const yaml = 'printers:\n  - { name: a, address: h, snmp: { version: 2c, community: "${COMM}" } }\n';
  assert.equal(parseConfig(yaml, FILE, { env: { COMM: 's3cret' } }).printers[0].snmp.community, 's3cret');
  assert.match(errorsOf(yaml, {})[0], /printers\[0\]\.snmp\.community: environment variable COMM is not set/);
});

test('*-file secrets resolve against the config folder and have their trailing newline trimmed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-cfg-'));
  writeFileSync(join(dir, 'comm.txt'), 'from-file\n');
  writeFileSync(join(dir, 'auth.key'), 'authkey-123\n');
  const file = join(dir, 'monitor.config.yaml');
  const yaml = [
    'state-file: st/s.json',
    'printers:',
    '  - { name: a, address: h, snmp: { version: 2c, community-file: comm.txt } }',
    '  - name: b',
    '    address: h',
    '    snmp: { version: 3, user: u, auth: { protocol: sha256, key-file: auth.key }, priv: { protocol: aes, key: "privkey-456" } }',
  ].join('\n');
  const cfg = parseConfig(yaml, file, { env: {} });
  assert.equal(cfg.stateFile, join(dir, 'st', 's.json'));
  assert.equal(cfg.printers[0].snmp.community, 'from-file');
  assert.deepEqual(cfg.printers[1].snmp, { version: '3', user: 'u', context: '', auth: { protocol: 'sha256', key: 'authkey-123' }, priv: { protocol: 'aes', key: 'privkey-456' } });
  assert.deepEqual(cfg.secrets.sort(), ['authkey-123', 'from-file', 'privkey-456']);
  const errs = errorsOf('printers:\n  - { name: a, address: h, snmp: { version: 2c, community-file: /nonexistent/c } }\n');
  assert.match(errs[0], /printers\[0\]\.snmp\.community-file: cannot read \/nonexistent\/c/);
});

test('SNMPv3 settings are checked: priv needs auth, keys of 8+ characters, no community', () => {
  const errs = errorsOf(
    'printers:\n  - { name: a, address: h, snmp: { version: 3, user: u, community: x, priv: { protocol: aes, key: 12345678 } } }\n  - { name: b, address: h, snmp: { version: 3, user: u, auth: { protocol: sha, key: short } } }\n',
  );
  const all = errs.join('\n');
  assert.match(all, /printers\[0\]\.snmp\.community: not used by SNMP version 3/);
  assert.match(all, /printers\[0\]\.snmp\.priv: priv needs auth/);
  assert.match(all, /printers\[1\]\.snmp\.auth\.key: SNMPv3 keys must be at least 8 characters/);
});

test('rule settings: shorthand, warning/critical levels, off, and per-device thresholds', () => {
  const cfg = parseConfig(
    [
      'thresholds:',
      '  printer:',
      '    toner-low: { warning: { below: 30 }, critical: { below: 10 }, failures-before-alert: 2, recovery-margin: 3 }',
      '    printer-status: off',
      'printers:',
      '  - { name: a, address: h, snmp: { version: 1, community: c }, thresholds: { toner-low: { below: 40, severity: warning } } }',
    ].join('\n'),
    FILE,
    { env: {} },
  );
  assert.deepEqual(cfg.thresholds.printer['toner-low'], { enabled: true, warning: { op: 'below', value: 30 }, critical: { op: 'below', value: 10 }, failuresBeforeAlert: 2, recoveryMargin: 3 });
  assert.deepEqual(cfg.thresholds.printer['printer-status'], { enabled: false });
  assert.deepEqual(cfg.printers[0].thresholds['toner-low'], { enabled: true, warning: { op: 'below', value: 40 }, critical: null });
  assert.match(errorsOf('thresholds:\n  printer:\n    toner-low: { below: 5, critical: { below: 3 } }\n')[0], /use either above\/below/);
  assert.match(errorsOf('thresholds:\n  toaster: {}\n')[0], /unknown device kind "toaster"/);
  assert.match(errorsOf('thresholds:\n  printer:\n    printer-status: { errors: [jammed, explodingPaper] }\n')[0], /unknown error name\(s\) explodingPaper/);
});

test('parseDuration() reads ms, s, m, h, d and combinations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2s'), 2000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  assert.equal(parseDuration('2 x'), null);
  assert.equal(parseDuration(''), null);
});

test('findConfig(): --config, then $SIMPLEMON_CONFIG, then ./monitor.config.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-find-'));
  assert.equal(findConfig('x.yaml', {}, dir), join(dir, 'x.yaml'));
  assert.equal(findConfig(undefined, { SIMPLEMON_CONFIG: '/a/b.yaml' }, dir), '/a/b.yaml');
  writeFileSync(join(dir, 'monitor.config.yaml'), '');
  assert.equal(findConfig(undefined, {}, dir), join(dir, 'monitor.config.yaml'));
});

test('an unreadable config is a clear error naming the file', () => {
  assert.throws(() => loadConfig('/nonexistent/simplemon.yaml', { env: {} }), (e) => e.exitCode === 2 && /cannot read config \/nonexistent\/simplemon\.yaml: no such file/.test(e.message));
});

test('the commented examples in monitor.config.yaml validate once uncommented (email, maintenance, SNMPv3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simplemon-sample-'));
  const lines = readFileSync(join(repo, 'monitor.config.yaml'), 'utf8').split('\n');
  const out = [];
  let inEmail = false;
  let inVcenters = false;
  for (const l of lines) {
    if (l === '#email:') inEmail = true;
    else if (inEmail && !l.startsWith('#')) inEmail = false;
    if (l === 'vcenters: []') inVcenters = true;
    else if (inVcenters && !l.startsWith('#')) inVcenters = false;
    if (inEmail) out.push(l.replace(/^#/, '').replace(/^(\s*)# (- \{ severity)/, '$1$2'));
    else if (l === 'vcenters: []') out.push('vcenters:');
    else if (inVcenters) out.push(/^#\s+#/.test(l) ? '' : l.replace(/^#/, ''));
    else if (l === 'maintenance: []') out.push('maintenance:');
    else if (l.startsWith('#  - { name: weekly-patching')) out.push(l.slice(1));
    else if (/^  # (- name: floor2|  address: 192\.0\.2\.11|  snmp:|    version: 3|    user: mon|    context:|    auth:|    priv:)/.test(l)) out.push(l.replace(/^  # /, '  '));
    else out.push(l);
  }
  const text = out.join('\n').replaceAll('/etc/simplemon/', `${dir}/`);
  writeFileSync(join(dir, 'smtp.pass'), 'smtp-secret\n');
  writeFileSync(join(dir, 'auth.key'), 'auth-key-123\n');
  writeFileSync(join(dir, 'priv.key'), 'priv-key-456\n');
  writeFileSync(join(dir, 'vc1.pass'), 'vc-pass\n');
  // a self-signed CA for ca-file (the email schema checks it is a PEM certificate)
  const pem = readFileSync(join(repo, 'test', 'fixtures', 'tls', 'sample-ca.pem'), 'utf8');
  writeFileSync(join(dir, 'smtp-ca.pem'), pem);
  writeFileSync(join(dir, 'vcenter-ca.pem'), pem);
  const cfg = parseConfig(text, join(dir, 'monitor.config.yaml'), { env: { PRINTER_PRIV: 'priv-key-456', VCENTER_PASSWORD: 'vc-pass' } });
  assert.equal(cfg.email.recipients.length, 2);
  assert.equal(cfg.maintenance[0].name, 'weekly-patching');
  assert.equal(cfg.printers[1].snmp.version, '3');
  assert.equal(cfg.printers[1].snmp.auth.key, 'auth-key-123');
  assert.equal(cfg.vcenters[0].id, 'vcenter/vc1');
  assert.equal(cfg.vcenters[0].keepSession, false);
  assert.equal(cfg.vcenters[0].pageSize, 1000);
  assert.equal(cfg.vcenters[0].password, 'vc-pass', 'password-file, as under cron');
  assert.equal(cfg.printers[1].snmp.priv.key, 'priv-key-456');
});

test('a bad value with CR/LF or escapes is quoted with them made visible, never raw', () => {
  const errs = errorsOf('printers:\n  - { name: "a\\r\\nb\\u001b[31m", address: h, snmp: { version: 1, community: c } }\n');
  assert.match(errs.join('\n'), /"a\\x0d\\x0ab\\x1b\[31m" is not a valid name/);
  assert.ok(!errs.join('\n').includes('\x1b'));
});
