// Words for the failures the network checks report. A check's result carries a sentence a person can
// act on ("connection refused by 127.0.0.1:8080"), not a Node error code: the source shows it as the
// device's problem as it is.

/** 2000 → "2s", 1500 → "1.5s", 300 → "300ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 100) / 10;
  return `${s}s`;
}

/** A socket or lookup error in words, naming the peer (`target` is "host:port" or a host). */
export function describeNetError(err: unknown, target: string): string {
  const e = err as NodeJS.ErrnoException | undefined;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${target}`;
    case 'ECONNRESET':
      return `connection reset by ${target}`;
    case 'EPIPE':
      return `connection closed by ${target}`;
    case 'ENOTFOUND':
      return `${hostOf(target)} does not resolve`;
    case 'EAI_AGAIN':
      return `${hostOf(target)} could not be resolved now (temporary DNS failure)`;
    case 'EHOSTUNREACH':
      return `no route to ${target} (host unreachable)`;
    case 'ENETUNREACH':
      return `no route to ${target} (network unreachable)`;
    case 'EADDRNOTAVAIL':
      return `cannot connect to ${target} (address not available)`;
    default: {
      const msg = e?.message ?? String(err);
      return e?.code && !msg.includes(e.code) ? `${target}: ${msg} (${e.code})` : `${target}: ${msg}`;
    }
  }
}

function hostOf(target: string): string {
  const m = /^\[?([^\]]*?)\]?:\d+$/.exec(target);
  return m ? m[1]! : target;
}

/** "host:port", with brackets for an IPv6 literal. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
