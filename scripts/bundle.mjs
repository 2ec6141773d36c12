// The CLI as one ES module and its lazy chunks (dist/bundle/), built from tsc's output in dist/ by
// esbuild. Node resolves, reads and compiles some 80 files for `simplemon status`, plus commander,
// chalk and lowdb: as one file that start-up cost is about half (see `npm run bench`, startup).
//
// What the commands load lazily stays lazy: each dynamic import() is a chunk of its own, and the
// libraries that only some commands need stay outside the bundle, loaded from node_modules when they
// are (soap, net-snmp, nodemailer, ora for poll; yaml for a full config parse; cli-table3 for jobs).
// bin/simplemon runs dist/bundle/main.js, or dist/cli/main.js when there is no bundle.
// The bundle sits two folders below the package root, like dist/util/paths.js (see util/paths.ts).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'dist', 'cli', 'main.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['soap', 'net-snmp', 'nodemailer', 'ora', 'yaml', 'cli-table3'],
  // commander is CommonJS: its require() calls of node's modules need a require in an ES module
  banner: { js: "import { createRequire as __simplemonRequire } from 'node:module'; const require = __simplemonRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'none',
});
