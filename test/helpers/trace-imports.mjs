// Loaded with `node --import ./test/helpers/trace-imports.mjs`: records every module the process loads
// into the file named by $SIMPLEMON_TRACE_IMPORTS, one per line: ES modules as resolved URLs (loader
// hooks), CommonJS ones as the resolved file of each require() (the CLI is a CommonJS bundle, and
// requires yaml, soap … from node_modules when it needs them).
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.SIMPLEMON_TRACE_IMPORTS;
register('./trace-imports-hooks.mjs', import.meta.url, { data: { file } });
if (file) {
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    try {
      const resolved = Module._resolveFilename(request, parent, isMain);
      appendFileSync(file, (resolved.startsWith('/') ? pathToFileURL(resolved).href : resolved) + '\n');
    } catch {
      // resolution fails: load() reports it
    }
    return load.apply(this, arguments);
  };
}
