// TCP check: can a connection be opened, and how long did it take. Nothing is sent or read: a server
// that accepts and never speaks is up (the TCP handshake is the check).
import net from 'node:net';
import { describeNetError, formatDuration, hostPort } from '../net-errors.js';

export interface TcpCheckOptions {
  host: string;
  port: number;
  /** Whole-operation deadline, name lookup included. */
  timeoutMs: number;
}

export interface TcpResult {
  up: boolean;
  /** Time to the established connection; null when none was made. */
  latencyMs: number | null;
  /** Why it is not up ("connection refused by mail.example.com:25", "no answer within 2s"); null when up. */
  error: string | null;
}

/** Never throws: a refused, unreachable or silent peer is a result with `error`. */
export function checkTcp(opts: TcpCheckOptions): Promise<TcpResult> {
  const target = hostPort(opts.host, opts.port);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
    return Promise.resolve({ up: false, latencyMs: null, error: `${target}: invalid port` });
  }
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const socket = net.connect({ host: opts.host, port: opts.port });
    const finish = (result: TcpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    // A timer for the whole operation, not socket.setTimeout (an idle timeout that a slow lookup or
    // a half-open connect can outlast).
    const timer = setTimeout(
      () => finish({ up: false, latencyMs: null, error: `no answer from ${target} within ${formatDuration(opts.timeoutMs)}` }),
      Math.max(0, opts.timeoutMs),
    );
    socket.once('connect', () => finish({ up: true, latencyMs: round1(performance.now() - t0), error: null }));
    socket.once('error', (err) => finish({ up: false, latencyMs: null, error: describeNetError(err, target) }));
  });
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
