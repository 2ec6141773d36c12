// Reads what iputils `ping -n` prints under LC_ALL=C (stdout and stderr together): the statistics
// summary, or the error line when there is none. Pure: the samples in test/fixtures/ping were captured
// from iputils 20221126 on Debian 12.
//
//   --- 127.0.0.1 ping statistics ---
//   20 packets transmitted, 10 received, 50% packet loss, time 3912ms
//   rtt min/avg/max/mdev = 0.031/0.058/0.222/0.055 ms
//
// Variants: ", +3 duplicates", ", +5 errors" before the loss; no rtt line when nothing came back;
// "ping: NAME: Name or service not known" and nothing else for a name that does not resolve;
// "ping: socket: Operation not permitted" without CAP_NET_RAW or a ping_group_range that admits us.

export interface PingSummary {
  sent: number | null;
  received: number | null;
  lossPercent: number | null;
  rttMinMs: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  /** What ping said went wrong (resolution, permission, network); null when it printed only statistics. */
  error: string | null;
}

const COUNTS = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+\d+ duplicates)?(?:, \+(\d+) errors)?, ([\d.]+)% packet loss/;
const RTT = /(?:rtt|round-trip) min\/avg\/max(?:\/mdev)? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/[\d.]+)? ms/;
const UNRESOLVED = /^ping: (.+?): (Name or service not known|No address associated with hostname|Temporary failure in name resolution|Name does not resolve)$/;
const DENIED = /Operation not permitted|Permission denied/;

export function parsePingOutput(text: string): PingSummary {
  const out: PingSummary = { sent: null, received: null, lossPercent: null, rttMinMs: null, rttAvgMs: null, rttMaxMs: null, error: null };
  const counts = COUNTS.exec(text);
  if (counts) {
    out.sent = Number(counts[1]);
    out.received = Number(counts[2]);
    out.lossPercent = out.sent > 0 ? Math.round(((out.sent - out.received) / out.sent) * 1000) / 10 : Number(counts[4]);
  }
  const rtt = RTT.exec(text);
  if (rtt) {
    out.rttMinMs = Number(rtt[1]);
    out.rttAvgMs = Number(rtt[2]);
    out.rttMaxMs = Number(rtt[3]);
  }

  const errorLines = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('ping: ') && !l.startsWith('ping: socktype:'));
  const last = errorLines.at(-1);
  if (last) {
    const unresolved = UNRESOLVED.exec(last);
    if (unresolved) out.error = `${unresolved[1]} does not resolve (${unresolved[2]})`;
    else if (DENIED.test(last)) out.error = `ping: permission denied: ${last.slice('ping: '.length)} (ping needs CAP_NET_RAW, or net.ipv4.ping_group_range to admit this user)`;
    else out.error = last;
  } else if (!counts) {
    const firstLine = text.trim().split('\n')[0] ?? '';
    out.error = firstLine ? `no statistics in ping's output: ${firstLine.slice(0, 200)}` : 'ping printed nothing';
  }
  return out;
}
