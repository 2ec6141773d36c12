// Install like a tool: `npm pack` of a copy of this checkout, `npm install -g` of the tarball into a temp
// prefix (no build step, no dev dependencies), then the installed simplemon run exactly as cron runs it.
// The copy keeps the checkout's dist/ and package.json untouched while npm packs (prepack rewrites both).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repo } from '../helpers/cli.mjs';
import { cronCommand, privateCron, runAsCron, testCrontab } from '../helpers/cron.mjs';

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const NETWORK = /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|network/i;

let root;
let tarball;
let prefix;
let home;
let skipReason = null;

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'simplemon-pack-'));
  const copy = join(root, 'checkout');
  const skip = new Set(['node_modules', 'dist', 'test', 'bench', 'state', '.git', '.test-tmp', '.gopath', '.gocache']);
  cpSync(repo, copy, { recursive: true, filter: (src) => !skip.has(relative(repo, src).split('/')[0]) });
  symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
  const packed = await run('npm', ['pack', '--pack-destination', root, '--no-audit', '--no-fund'], { cwd: copy });
  assert.equal(packed.code, 0, packed.stderr);
  tarball = join(root, `simplemon-${pkg.version}.tgz`);
  assert.ok(existsSync(tarball), packed.stdout + packed.stderr);
  assert.equal(readFileSync(join(copy, 'package.json'), 'utf8'), readFileSync(join(repo, 'package.json'), 'utf8'), 'postpack put the scripts back');
  assert.ok(!existsSync(join(copy, 'package.json.pack-orig')));

  prefix = join(root, 'prefix');
  // the npm cache usually holds every dependency already (npm ci): prefer it, and go to the registry only for what it lacks
  const inst = await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: root });
  if (inst.code !== 0) {
    if (NETWORK.test(inst.stderr)) skipReason = `the npm registry is unreachable and the cache lacks a dependency: ${inst.stderr.split('\n').find((l) => NETWORK.test(l))}`;
    else assert.fail(`npm install -g failed:\n${inst.stderr}`);
  } else {
    assert.doesNotMatch(inst.stdout + inst.stderr, /prepare|tsc|install-scripts/, 'nothing to build or approve at install');
  }
  home = join(root, 'home');
  mkdirSync(home);
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('npm pack ships bin, dist with the bundle and its code cache, the sample config; no src, test, scripts, maps, WSDL; no scripts or dev dependencies in its package.json', async () => {
  const list = await run('tar', ['tzf', tarball]);
  const files = list.stdout.trim().split('\n');
  for (const f of ['package/package.json', 'package/bin/simplemon', 'package/dist/cli/main.js', 'package/dist/cli/commands/cron.js', 'package/dist/bundle/simplemon.cjs', 'package/dist/bundle/simplemon.cjs.cache', 'package/dist/bundle/simplemon.cjs.cache-key', 'package/monitor.config.yaml', 'package/README.md']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  // the vCenter requests are written by hand (protocols/soap/envelope.ts); the WSDL is only the tests' reference
  assert.ok(!files.some((f) => f.startsWith('package/wsdl/')), 'no WSDL');
  const bad = files.filter((f) => /^package\/(src|test|scripts|bench|state|node_modules)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
  assert.deepEqual(bad, []);
  const inTar = await run('tar', ['xzOf', tarball, 'package/package.json']);
  const shipped = JSON.parse(inTar.stdout);
  assert.equal(shipped.scripts, undefined, 'no prepare (tsc) for npm to run or to ask about');
  assert.equal(shipped.devDependencies, undefined);
  assert.deepEqual(shipped.dependencies, pkg.dependencies);
  assert.deepEqual(shipped.bin, { simplemon: 'bin/simplemon' });
});

test('npm install -g of the tarball installs no dev dependency', (t) => {
  if (skipReason) return t.skip(skipReason);
  const installed = join(prefix, 'lib', 'node_modules', 'simplemon');
  assert.ok(existsSync(join(installed, 'dist', 'cli', 'main.js')));
  assert.ok(existsSync(join(installed, 'node_modules', 'commander')), 'runtime dependencies are there');
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      const name = relative(join(installed, 'node_modules'), p).split('node_modules/').pop();
      if (Object.keys(pkg.devDependencies).includes(name)) found.push(relative(installed, p));
      walk(p);
    }
  };
  walk(join(installed, 'node_modules'));
  assert.deepEqual(found, [], 'no dev dependency anywhere in the installed tree');
});

test("the installed simplemon runs under cron's environment: --version, config init, config validate", async (t) => {
  if (skipReason) return t.skip(skipReason);
  const bin = join(prefix, 'bin', 'simplemon');
  // PATH=/usr/bin:/bin: the bin's `#!/usr/bin/env node` must find node there
  const v = await runAsCron(`${bin} --version`, { home });
  assert.deepEqual(v, { code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  const init = await runAsCron(`${bin} config init`, { home });
  assert.equal(init.code, 0, init.stderr);
  assert.equal(readFileSync(join(home, 'monitor.config.yaml'), 'utf8'), readFileSync(join(repo, 'monitor.config.yaml'), 'utf8'));
  const valid = await runAsCron(`${bin} config validate`, { home });
  assert.equal(valid.code, 0, valid.stderr);
  assert.match(valid.stdout, /monitor\.config\.yaml: ok — 1 printer\(s\)/);
});

test('the line the installed `cron print` gives runs the installed copy under cron and polls', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const site = join(root, 'site');
  mkdirSync(site);
  const config = join(site, 'monitor.config.yaml');
  // a printer where nothing answers: the poll loads net-snmp from the installed tree and records it unreachable
  writeFileSync(config, 'state-file: state/simplemon.json\nprinters:\n  - { name: nobody, address: 127.0.0.1, port: 9, snmp: { version: 2c, community: public }, timeout: 200ms, retries: 0 }\n');
  const print = await runAsCron(`${join(prefix, 'bin', 'simplemon')} cron print --config ${config}`, { home });
  assert.equal(print.code, 0, print.stderr);
  const line = print.stdout.trimEnd();
  const installedBin = join(prefix, 'lib', 'node_modules', 'simplemon', 'bin', 'simplemon');
  assert.ok(line.includes(` ${installedBin} --config ${config} poll `), line);
  const r = await runAsCron(cronCommand(line).command, { home });
  // a printer that never answered is news on the poll that first tries it, once (issue 9); cron mails it
  assert.deepEqual(r, { code: 0, stdout: 'printer/nobody: new -> unknown (timeout after 200ms (0 retries))\n', stderr: '' });
  const state = JSON.parse(readFileSync(join(site, 'state', 'simplemon.json'), 'utf8'));
  assert.match(JSON.stringify(state), /printer\/nobody/);
  const status = await runAsCron(`${installedBin} status --json --config ${config}`, { home });
  const dev = JSON.parse(status.stdout).devices[0];
  assert.deepEqual([dev.id, dev.state, dev.problems.map((p) => p.rule)], ['printer/nobody', 'unknown', ['reachable']]);

  // and through the real crontab and the real cron -f (private spool, see helpers/cron.mjs)
  const crontab = testCrontab();
  const cron = crontab.real ? privateCron(crontab.spool) : null;
  if (!cron) {
    crontab.cleanup();
    return t.diagnostic('real cron not available here: checked with the reproduction above only');
  }
  try {
    const inst = await runAsCron(`${installedBin} cron install --config ${config} --crontab-command ${crontab.command}`, { home });
    assert.equal(inst.code, 0, inst.stderr);
    assert.ok(crontab.list().includes(` ${installedBin} --config ${config} poll `));
    const before = JSON.parse(readFileSync(join(site, 'state', 'simplemon.json'), 'utf8')).checkedAt;
    assert.deepEqual(await cron.runOnce(), [], 'nothing printed, so no mail');
    assert.notEqual(JSON.parse(readFileSync(join(site, 'state', 'simplemon.json'), 'utf8')).checkedAt, before, 'cron ran the installed poll');
  } finally {
    cron.cleanup();
    crontab.cleanup();
  }
});

test('the installed simplemon runs the demo: its recorded vCenter answers are in the tarball, and it needs no dev dependency (no smtp-server, no Go)', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const list = await run('tar', ['tzf', tarball]);
  assert.ok(list.stdout.split('\n').includes('package/demo/vcenter-replay/recording.json.gz'), 'the recording is shipped');
  const r = await runAsCron(`${join(prefix, 'bin', 'simplemon')} demo`, { home });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Subject: \[simplemon\] 3 problems, 1 recovered/);
  assert.match(r.stdout, /^SIMPLEMON CRITICAL - vm\/lab\/DC0_C0_RP0_VM2: CPU 97% > 80%/m);
});
