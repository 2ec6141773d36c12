// `simplemon cron install`, then the installed line run by the real `cron -f` and, for exit codes and
// separate stdout/stderr, exactly as cron runs it (test/helpers/cron.mjs), against printers served by
// snmpsim on loopback. The crontab is the real `crontab`, and cron the real cron, on a private spool in
// mount namespaces of their own: the machine's crontabs and /etc/cron.d are never touched.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSnmpsim } from '../helpers/snmpsim.mjs';
import { cli, repo } from '../helpers/cli.mjs';
import { cronCommand, privateCron, runAsCron, testCrontab, REAL_SPOOL } from '../helpers/cron.mjs';

const MARK = "# simplemon (managed by 'simplemon cron install')";
const HEALTHY = join(repo, 'test', 'fixtures', 'e2e', 'healthy.snmprec');
const OTHER_LINES = 'MAILTO=ops@example.org\n# nightly backup\n0 3 * * * /usr/local/bin/backup --full   # keep\n';

let root;
let sim;
let simFiles;
let site; // the config's folder: a space and a % in its name, as cron's quoting must survive them
let config;
let home;
let crontab;
let realRootCrontab;
let realCron;

const marked = (text) => text.split('\n').filter((l) => l.endsWith(MARK));

/** The office printer's toner drops to 8% and it jams (bad), or is as recorded: same community, same port. */
async function setOffice(bad) {
  const port = sim.port;
  await sim.stop();
  let rec = readFileSync(HEALTHY, 'utf8');
  if (bad) rec = rec.replace('1.3.6.1.2.1.43.11.1.1.9.1.1|2|80', '1.3.6.1.2.1.43.11.1.1.9.1.1|2|8').replace('1.3.6.1.2.1.25.3.5.1.2.1|4x|00', '1.3.6.1.2.1.25.3.5.1.2.1|4x|04');
  writeFileSync(join(simFiles, 'office.snmprec'), rec);
  sim = await startSnmpsim({ files: [join(simFiles, 'office.snmprec'), join(simFiles, 'lab.snmprec')], port });
}

function writeConfig() {
  writeFileSync(
    config,
    [
      'state-file: state/simplemon.json',
      'lock-timeout: 5s',
      'defaults: { timeout: 1s, retries: 0 }',
      'printers:',
      `  - { name: office, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: office } }`,
      `  - { name: lab, address: ${sim.host}, port: ${sim.port}, snmp: { version: 2c, community: lab } }`,
      '',
    ].join('\n'),
  );
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'simplemon-cron-'));
  simFiles = join(root, 'sim');
  mkdirSync(simFiles);
  copyFileSync(HEALTHY, join(simFiles, 'office.snmprec'));
  copyFileSync(HEALTHY, join(simFiles, 'lab.snmprec'));
  sim = await startSnmpsim({ files: [join(simFiles, 'office.snmprec'), join(simFiles, 'lab.snmprec')] });
  site = join(root, 'it site 100% ok');
  mkdirSync(site);
  config = join(site, 'monitor.config.yaml');
  writeConfig();
  home = join(root, 'home');
  mkdirSync(home);
  realRootCrontab = existsSync(join(REAL_SPOOL, 'root')) ? readFileSync(join(REAL_SPOOL, 'root')) : null;
  crontab = testCrontab();
  crontab.set(OTHER_LINES);
  realCron = crontab.real ? privateCron(crontab.spool) : null;
});

after(async () => {
  await sim?.stop();
  realCron?.cleanup();
  crontab?.cleanup();
  // the machine's own crontab was never touched
  const now = existsSync(join(REAL_SPOOL, 'root')) ? readFileSync(join(REAL_SPOOL, 'root')) : null;
  assert.deepEqual(now, realRootCrontab, 'the real root crontab is unchanged');
  rmSync(root, { recursive: true, force: true });
});

const cron = (args, env = {}) => cli(['cron', ...args, '--crontab-command', crontab.command], { env, cwd: home });

test(`cron install twice leaves exactly one marked line and the other lines byte for byte (${'real crontab on a private spool'})`, async (t) => {
  if (!crontab.real) t.diagnostic('unshare unavailable: a stand-in crontab stores the text');
  const one = await cron(['install', '--config', config]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^installed in your crontab:\n/);
  const first = crontab.list();
  assert.equal(marked(first).length, 1);
  assert.ok(first.startsWith(OTHER_LINES), 'the other lines come first, untouched');
  const two = await cron(['install', '--config', config]);
  assert.equal(two.code, 0, two.stderr);
  assert.match(two.stdout, /^already in your crontab:/);
  assert.equal(crontab.list(), first);
  const every = await cron(['install', '--every', '15m', '--config', config]);
  assert.match(every.stdout, /^replaced the simplemon line in your crontab:/);
  const third = crontab.list();
  assert.equal(marked(third).length, 1);
  assert.match(marked(third)[0], /^\*\/15 \* \* \* \* \/\S+\/node /);
  assert.equal(third, OTHER_LINES + marked(third)[0] + '\n');
  const back = await cron(['install', '--config', config]);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(crontab.list(), first);
});

test('the real cron -f runs the installed line: no mail from a healthy poll, one mail with the change, one with the recovery', async (t) => {
  if (!realCron) return t.skip('needs root, unshare, /usr/sbin/cron and libfaketime: the next tests reproduce cron instead');
  const stateFile = join(site, 'state', 'simplemon.json');
  assert.deepEqual(await realCron.runOnce(), [], 'a healthy first poll prints nothing, so cron sends no mail');
  assert.ok(existsSync(stateFile), 'the poll ran and saved the state');
  const saved = readFileSync(stateFile);
  await setOffice(true);
  const [mail, ...more] = await realCron.runOnce();
  assert.deepEqual(more, []);
  assert.equal(mail.body, 'printer/office: ok -> critical (black toner 8% < 20%; errors: jammed)\n');
  assert.deepEqual(mail.env.sort(), ['HOME=/root', 'LOGNAME=root', 'MAILTO=ops@example.org', 'PATH=/usr/bin:/bin', 'SHELL=/bin/sh'], "cron's environment, and nothing of ours");
  assert.ok(mail.headers.includes('To: ops@example.org'), 'MAILTO from the line kept above');
  assert.notDeepEqual(readFileSync(stateFile), saved);
  await setOffice(false);
  const [back] = await realCron.runOnce();
  assert.equal(back.body, 'printer/office: critical -> ok\n');
});

test('the installed line, run exactly as cron runs it, polls a healthy site, saves the state and prints nothing', async () => {
  const [line] = marked(crontab.list());
  assert.match(line, /^\*\/5 \* \* \* \* \//, 'an absolute node path right after the schedule');
  const { command, stdin } = cronCommand(line);
  assert.equal(stdin, '', 'no unescaped % in the line: nothing of it becomes stdin');
  assert.ok(command.includes('100% ok'), 'the % reaches /bin/sh as a %');
  const r = await runAsCron(command, { home });
  assert.deepEqual(r, { code: 0, stdout: '', stderr: '' });
  const stateFile = join(site, 'state', 'simplemon.json');
  assert.ok(existsSync(stateFile), 'state saved beside the config, not in $HOME');
  assert.ok(!existsSync(join(home, 'state')));
  const s = await cli(['status', '--json', '--config', config]);
  const j = JSON.parse(s.stdout);
  assert.ok(j.checkedAt);
  assert.deepEqual(j.devices.map((d) => [d.id, d.state]), [['printer/office', 'ok'], ['printer/lab', 'ok']]);
});

test('under cron, a printer gone bad is one printed line; a second run is quiet again', async () => {
  await setOffice(true);
  const { command } = cronCommand(marked(crontab.list())[0]);
  const r = await runAsCron(command, { home });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'printer/office: ok -> critical (black toner 8% < 20%; errors: jammed)\n', 'the change (ASCII: cron sets no LANG), and nothing about the healthy lab printer');
  assert.ok(!r.stdout.includes('\x1b'), 'no colour codes in what cron mails');
  assert.deepEqual(await runAsCron(command, { home }), { code: 0, stdout: '', stderr: '' });
});

test('under cron, a broken config goes to stderr with exit 2, and nothing is written', async () => {
  const stateFile = join(site, 'state', 'simplemon.json');
  const before = readFileSync(stateFile);
  writeFileSync(config, readFileSync(config, 'utf8').replace('community: lab', 'comunity: lab'));
  try {
    const { command } = cronCommand(marked(crontab.list())[0]);
    const r = await runAsCron(command, { home });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^simplemon: invalid config \/.*\/it site 100% ok\/monitor\.config\.yaml: 2 errors\n/);
    assert.match(r.stderr, /monitor\.config\.yaml:6:72: printers\[1\]\.snmp\.comunity: unknown key "comunity"/);
    assert.deepEqual(readFileSync(stateFile), before);
  } finally {
    writeConfig();
  }
});

test('cron remove removes only the marked line; a second remove changes nothing', async () => {
  const r = await cron(['remove']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'removed the simplemon line from your crontab\n');
  assert.equal(crontab.list(), OTHER_LINES);
  const again = await cron(['remove']);
  assert.equal(again.stdout, 'no simplemon line in your crontab: nothing to remove\n');
  assert.equal(crontab.list(), OTHER_LINES);
});

test('cron install refuses what cron could not run: --every 7m, a missing config, a ${VAR} cron does not have', async () => {
  const seven = await cron(['install', '--every', '7m', '--config', config]);
  assert.equal(seven.code, 2);
  assert.match(seven.stderr, /cannot run a job every 7m evenly/);
  const missing = await cron(['install', '--config', join(root, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no config file at .*nope\.yaml/);
  const envCfg = join(root, 'env.yaml');
  writeFileSync(envCfg, `printers:\n  - { name: x, address: 127.0.0.1, snmp: { version: 2c, community: "\${PRINTER_COMMUNITY}" } }\n`);
  const env = await cron(['install', '--config', envCfg], { PRINTER_COMMUNITY: 'public' });
  assert.equal(env.code, 2);
  assert.match(env.stderr, /PRINTER_COMMUNITY[\s\S]*checked with cron's environment/);
  assert.equal(crontab.list(), OTHER_LINES, 'nothing installed by a refused install');
});

test('cron install --system writes a cron.d file with the user field (0644), replaced on re-install; remove keeps other lines', async () => {
  const dir = join(root, 'cron.d');
  mkdirSync(dir);
  const file = join(dir, 'simplemon');
  writeFileSync(file, 'SIMPLEMON_CONFIG=/etc/simplemon/monitor.config.yaml\n*/5 * * * * root /usr/local/bin/simplemon poll\n');
  const args = ['install', '--system', '--user', 'nobody', '--config', config, '--cron-d-dir', dir];
  const r = await cron(args);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /also has this line, which polls too[\s\S]*\/usr\/local\/bin\/simplemon poll/, 'the old hand-written entry is pointed out');
  assert.equal((await cron(args)).code, 0);
  const text = readFileSync(file, 'utf8');
  assert.equal(marked(text).length, 1);
  assert.equal(statSync(file).mode & 0o777, 0o644);
  const { command, user } = cronCommand(marked(text)[0], { userField: true });
  assert.equal(user, 'nobody');
  assert.ok(command.includes(config));
  await cron(['remove', '--system', '--cron-d-dir', dir]);
  assert.equal(readFileSync(file, 'utf8'), 'SIMPLEMON_CONFIG=/etc/simplemon/monitor.config.yaml\n*/5 * * * * root /usr/local/bin/simplemon poll\n');
});

test('not as root: --system print shows the cron.d line, --system install and remove are refused', async (t) => {
  if (process.getuid() !== 0 || spawnSync('which', ['setpriv']).status !== 0) return t.skip('needs root and setpriv to run as nobody');
  const d = mkdtempSync(join(tmpdir(), 'simplemon-cron-nobody-'));
  chmodSync(d, 0o755);
  const cfg = join(d, 'monitor.config.yaml');
  writeFileSync(cfg, 'printers: []\n', { mode: 0o644 });
  const asNobody = (args) =>
    spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, join(repo, 'bin', 'simplemon'), 'cron', ...args, '--cron-d-dir', join(d, 'cron.d')], {
      encoding: 'utf8',
      cwd: d,
      env: { PATH: process.env.PATH, HOME: d },
    });
  try {
    const print = asNobody(['print', '--system', '--config', cfg]);
    assert.equal(print.status, 0, print.stderr);
    assert.match(print.stdout, /^\*\/5 \* \* \* \* root \/\S+\/node \S+\/bin\/simplemon --config \S+monitor\.config\.yaml poll # simplemon/);
    for (const what of ['install', 'remove']) {
      const r = asNobody([what, '--system', '--config', cfg]);
      assert.equal(r.status, 2, what);
      assert.match(r.stderr, /cron\.d\/simplemon, which cron reads only when root owns it: run as root/);
    }
    assert.ok(!existsSync(join(d, 'cron.d')));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('cron print --systemd gives a service and timer that systemd-analyze verify accepts', async (t) => {
  const r = await cli(['cron', 'print', '--systemd', '--every', '10m', '--config', config]);
  assert.equal(r.code, 0, r.stderr);
  const [, service, timer] = r.stdout.split(/^# --- simplemon-poll\.(?:service|timer)\n/m);
  assert.match(r.stdout, /^# Save as \/etc\/systemd\/system\/simplemon-poll\.service .*systemctl enable --now simplemon-poll\.timer\n/);
  assert.match(service, /^Type=oneshot$/m);
  assert.match(service, /^ExecStart=\/\S+\/node \/\S+\/bin\/simplemon --config ".*it site 100%% ok\/monitor\.config\.yaml" poll$/m);
  // lock-timeout 5 s + two printers at 1 s × 1 try × 2 rounds, doubled: below the 60 s floor
  assert.match(service, /^TimeoutStartSec=60$/m);
  assert.match(timer, /^OnCalendar=\*:0\/10$/m);
  assert.match(timer, /^Persistent=true$/m);
  if (spawnSync('which', ['systemd-analyze']).status !== 0) return t.skip('systemd-analyze not installed');
  const d = mkdtempSync(join(root, 'units-'));
  writeFileSync(join(d, 'simplemon-poll.service'), service);
  writeFileSync(join(d, 'simplemon-poll.timer'), timer);
  const v = spawnSync('systemd-analyze', ['verify', join(d, 'simplemon-poll.service'), join(d, 'simplemon-poll.timer')], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr + v.stdout);
});
