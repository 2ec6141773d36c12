// A tiny authoritative DNS responder for tests: node:dgram on 127.0.0.1 (ephemeral port), packets
// encoded and decoded by npm dns-packet. Answers A/AAAA/CNAME/MX/TXT from a table, follows a CNAME to
// its target's records, NXDOMAIN for a name not in the table, NOERROR with no answer for a type the name
// lacks, and `rcode` entries for SERVFAIL/REFUSED. `ctl.delayMs` delays answers, `ctl.silent` drops them.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/**
 * records: { 'name.example': { A: ['192.0.2.10'], CNAME: 'other.example', MX: [{ preference, exchange }], TXT: ['v=…'], rcode: 'SERVFAIL' } }
 * Returns { port, ctl: { delayMs, silent, queries }, close() }.
 */
export async function startDnsServer(records, { delayMs = 0, silent = false } = {}) {
  const ctl = { delayMs, silent, queries: 0 };
  const timers = new Set();
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const socket = dgram.createSocket('udp4');

  const answersFor = (name, type, depth = 0) => {
    const entry = table.get(name.toLowerCase());
    if (!entry || depth > 8) return [];
    if (entry.CNAME && type !== 'CNAME') {
      return [{ type: 'CNAME', name, ttl: 60, data: entry.CNAME }, ...answersFor(entry.CNAME, type, depth + 1)];
    }
    const values = type === 'CNAME' ? (entry.CNAME ? [entry.CNAME] : []) : (entry[type] ?? []);
    return values.map((data) => ({ type, name, ttl: 60, data: type === 'TXT' ? [data] : data }));
  };

  socket.on('message', (msg, rinfo) => {
    ctl.queries++;
    if (ctl.silent) return;
    let query;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return; // not DNS: ignore, as a real server would
    }
    const q = query.questions?.[0];
    if (!q) return;
    const entry = table.get(q.name.toLowerCase());
    const rcode = entry ? RCODES[entry.rcode ?? 'NOERROR'] : RCODES.NXDOMAIN;
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (query.flags & dnsPacket.RECURSION_DESIRED) | rcode,
      questions: [q],
      answers: rcode === 0 ? answersFor(q.name, q.type) : [],
    });
    const send = () => socket.send(reply, rinfo.port, rinfo.address);
    if (ctl.delayMs > 0) {
      const t = setTimeout(() => { timers.delete(t); send(); }, ctl.delayMs);
      timers.add(t);
    } else send();
  });

  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', resolve);
  });
  return {
    port: socket.address().port,
    ctl,
    close: () => new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      socket.close(resolve);
    }),
  };
}
