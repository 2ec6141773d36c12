// Record the vCenter answers that `simplemon demo` replays (demo/vcenter-replay/recording.json.gz).
// Run once, by hand, after `bash test/vcsim/build.sh`; the demo itself never needs Go:
//
//   node test/vcsim/record-demo.mjs
//
// It starts the vcsim launcher (govmomi's simulator, seeded: 4 hosts, 8 VMs, 2 datastores, pages of
// 5 objects so that the recording has a token to follow), puts a recording proxy on loopback in front
// of it, runs simplemon's own vCenter collector through the proxy once, and writes every SOAP
// exchange: operation, page token (ContinueRetrievePropertiesEx), HTTP status, content type, body.
// Session cookies and view morefs are the replay server's business, so nothing else is kept.
import { createServer, request } from 'node:http';
import { writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { repo } from '../helpers/cli.mjs';
import { startVcsim, vcConfig } from '../helpers/vcsim.mjs';

const OUT = join(repo, 'demo', 'vcenter-replay');
const OP = /<(?:[A-Za-z0-9_]+:)?Body[^>]*>\s*<(?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+)/;
const TOKEN = /<(?:[A-Za-z0-9_]+:)?token[^>]*>([^<]*)</;

const sim = await startVcsim({ hosts: 4, vms: 8, datastores: 2, http: true, pageSize: 5 });
const exchanges = [];
const proxy = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    const op = OP.exec(text)?.[1] ?? null;
    const target = new URL(sim.url);
    const up = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...req.headers, host: target.host } }, (r) => {
      const out = [];
      r.on('data', (c) => out.push(c));
      r.on('end', () => {
        const answer = Buffer.concat(out).toString('utf8');
        const token = op === 'ContinueRetrievePropertiesEx' ? (TOKEN.exec(text)?.[1] ?? null) : null;
        exchanges.push({ op, token, status: r.statusCode, contentType: r.headers['content-type'] ?? 'text/xml; charset=utf-8', body: answer });
        res.writeHead(r.statusCode, r.headers);
        res.end(answer);
      });
    });
    up.end(body);
  });
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
try {
  const { collectVcenter } = await import(join(repo, 'dist', 'sources', 'vcenter', 'collect.js'));
  const url = `http://127.0.0.1:${proxy.address().port}/sdk`;
  const r = await collectVcenter(vcConfig(sim, { url, caFile: null }), {}, new Set(['hosts', 'vms', 'datastores']));
  const failed = r.readings.filter((x) => !x.reachable);
  if (failed.length) throw new Error(`the recorded poll failed: ${failed.map((x) => x.error).join('; ')}`);
  mkdirSync(OUT, { recursive: true });
  const recording = {
    recorded: new Date().toISOString().slice(0, 10),
    source: 'govmomi 0.24.2 simulator (test/vcsim launcher: -hosts 4 -vms 8 -datastores 2 -http -page-size 5), read by simplemon\'s collector',
    exchanges,
  };
  const gz = gzipSync(JSON.stringify(recording, null, 1), { level: 9 });
  writeFileSync(join(OUT, 'recording.json.gz'), gz);
  process.stdout.write(`${exchanges.length} exchanges (${exchanges.map((e) => e.op + (e.token ? `[${e.token}]` : '')).join(', ')}), ${r.readings.length} readings; ${gz.length} bytes gzipped\n`);
} finally {
  proxy.close();
  await sim.stop();
}
