// npm pack / npm publish: the tarball carries a package.json without scripts or devDependencies, so an
// install from it (npm install -g ./simplemon-<version>.tgz) has nothing to build — dist/ is in the
// tarball — and npm has no `prepare` to run or to ask about. A checkout keeps its scripts: `npm ci`
// still builds dist/ through `prepare`.
//
//   prepack:  node scripts/pack-manifest.mjs clean    (dist/ afresh: no file of a since-moved source is shipped)
//             tsc, then node scripts/pack-manifest.mjs trim (keep the original, write the trimmed one)
//   postpack: node scripts/pack-manifest.mjs restore  (put the original back)
//
// A pack interrupted between the two leaves package.json.pack-orig: the next run of either restores it.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pkgFile = join(root, 'package.json');
const orig = join(root, 'package.json.pack-orig');

function restore() {
  if (existsSync(orig)) renameSync(orig, pkgFile);
}

const what = process.argv[2];
if (what === 'restore') restore();
else if (what === 'clean') rmSync(join(root, 'dist'), { recursive: true, force: true });
else if (what === 'trim') {
  restore();
  const text = readFileSync(pkgFile, 'utf8');
  const pkg = JSON.parse(text);
  delete pkg.scripts;
  delete pkg.devDependencies;
  writeFileSync(orig, text);
  writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
} else {
  process.stderr.write('usage: node scripts/pack-manifest.mjs clean|trim|restore\n');
  process.exitCode = 2;
}
