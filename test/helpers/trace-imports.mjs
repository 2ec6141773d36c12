// Loaded with `node --import ./test/helpers/trace-imports.mjs`: records every module URL the process
// resolves into the file named by $SIMPLEMON_TRACE_IMPORTS, one per line.
import { register } from 'node:module';

register('./trace-imports-hooks.mjs', import.meta.url, { data: { file: process.env.SIMPLEMON_TRACE_IMPORTS } });
