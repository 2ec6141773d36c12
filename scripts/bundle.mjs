// The CLI as one CommonJS file, dist/bundle/simplemon.cjs, built by esbuild from tsc's output in dist/,
// and V8's code cache for it (dist/bundle/simplemon.cjs.cache), which bin/simplemon hands to V8.
//
// Why: `simplemon status` is run by people and `simplemon check` by Nagios, once per device and
// service: start-up is most of what they cost. As ~90 ES modules, Node 20 resolves, reads, links and
// compiles each one (about 60 ms at 1,000 devices, see `npm run bench`, startup); as one CommonJS file
// with its compiled code cached, that is a single read. Node 22 has module.enableCompileCache() for
// this; Node 20, which simplemon supports, has only vm.Script's cachedData, which bin/simplemon uses.
//
// What the commands load lazily stays lazy: the libraries that only some commands need stay outside the
// bundle and are loaded from node_modules when they are (net-snmp, nodemailer, ora for poll;
// yaml for a full config parse; cli-table3 for jobs), and the bundle's own modules are initialised
// only when first imported. The bundle sits two folders below the package root, like
// dist/util/paths.js (see util/paths.ts).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bundle');
const outfile = join(outdir, 'simplemon.cjs');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['net-snmp', 'nodemailer', 'ora', 'yaml', 'cli-table3'],
  // the modules that find files by their own URL (util/paths.ts, config/cache.ts) get the bundle's
  define: { 'import.meta.url': '__simplemonBundleUrl' },
  banner: { js: "const __simplemonBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  legalComments: 'none',
});
// The bundle runs as a vm.Script (bin/simplemon), where import() would need an experimental loader
// option that prints a warning: its remaining dynamic imports (the lazy libraries, node:tls) go through
// the import() of bin/simplemon, an ES module, handed in as __simplemonImport.
const text = readFileSync(outfile, 'utf8');
const lazy = text.replace(/\bimport\((["'])([\w:@/.-]+)\1\)/g, (_m, q, spec) => `__simplemonImport(${q}${spec}${q})`);
if (/\bimport\(/.test(lazy.replace(/__simplemonImport\(/g, ''))) throw new Error('bundle: an import() with a computed specifier is left; bin/simplemon cannot run it');
writeFileSync(outfile, lazy);

// The code cache: V8's compiled code of every function one `status` ran (reading the config and the
// state, the views, the tables), taken at its exit. Other commands compile the rest as usual.
const site = mkdtempSync(join(tmpdir(), 'simplemon-codecache-'));
try {
  mkdirSync(join(site, 'state'));
  const cfg = join(site, 'monitor.config.yaml');
  writeFileSync(cfg, 'state-file: state/s.json\nprinters:\n  - { name: a, address: 192.0.2.1, snmp: { version: 2c, community: public } }\n  - { name: b, address: 192.0.2.2, snmp: { version: 2c, community: public } }\n');
  const run = (args) => spawnSync(process.execPath, [join(root, 'bin', 'simplemon'), ...args, '--config', cfg], { env: { ...process.env, COLUMNS: '100', SIMPLEMON_CODE_CACHE: 'write' }, encoding: 'utf8' });
  run(['status']); // the compiled config is left beside the state: the next run reads it, as status mostly does
  const r = run(['status']);
  if (r.status !== 0) throw new Error(`code cache: status exited ${r.status}: ${r.stderr}`);
  const cache = statSync(`${outfile}.cache`);
  process.stderr.write(`bundle: ${(statSync(outfile).size / 1024).toFixed(0)} KiB, code cache ${(cache.size / 1024).toFixed(0)} KiB\n`);
} finally {
  rmSync(site, { recursive: true, force: true });
}
