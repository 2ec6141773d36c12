// Ping check: the system's iputils ping (raw ICMP needs privileges node does not have), run without a
// shell from an argument array, LC_ALL=C so that its summary reads the same everywhere.
//
// ping gets `-W` so that its own wait fits the deadline; at the deadline (less a margin) it gets SIGINT,
// on which iputils prints its statistics for the packets sent so far and exits; at the deadline itself
// it is killed. `-w` is not used: with it, ping keeps sending past -c while no reply comes.
import { spawn } from 'node:child_process';
import { formatDuration } from '../net-errors.js';
import { parsePingOutput } from './parse-ping-output.js';

export interface PingCheckOptions {
  host: string;
  /** Echo requests sent, 0.2 s apart (default 5). */
  count?: number;
  /** Whole-operation deadline. */
  timeoutMs: number;
  /** The ping program (default `ping`, found on PATH). */
  pingPath?: string;
}

export interface PingResult {
  up: boolean;
  sent: number | null;
  received: number | null;
  lossPercent: number | null;
  rttAvgMs: number | null;
  rttMinMs: number | null;
  rttMaxMs: number | null;
  /** Why it is not up ("no reply from …", "… does not resolve …", "ping not found: …"); null when up. */
  error: string | null;
}

const INTERVAL_S = 0.2;
// A host name or an IP literal; never something ping could read as an option.
const HOST = /^[A-Za-z0-9](?:[A-Za-z0-9._:%-]*[A-Za-z0-9.])?$/;

export function checkPing(opts: PingCheckOptions): Promise<PingResult> {
  const count = opts.count ?? 5;
  const empty: PingResult = { up: false, sent: null, received: null, lossPercent: null, rttAvgMs: null, rttMinMs: null, rttMaxMs: null, error: null };
  if (!HOST.test(opts.host) || opts.host.length > 253) {
    return Promise.resolve({ ...empty, error: `invalid host for ping: ${JSON.stringify(opts.host.slice(0, 100))}` });
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    return Promise.resolve({ ...empty, error: `invalid ping count ${count} (1–1000)` });
  }
  const timeoutS = Math.max(0, opts.timeoutMs) / 1000;
  // Time left for the last reply once every request is out, less the margin kept for SIGINT.
  const waitS = Math.min(10, Math.max(0.1, timeoutS - (count - 1) * INTERVAL_S - 0.3));
  const args = ['-n', '-c', String(count), '-i', String(INTERVAL_S), '-W', waitS.toFixed(1), '--', opts.host];

  return new Promise<PingResult>((resolve) => {
    let settled = false;
    let output = '';
    let timedOut = false;
    const child = spawn(opts.pingPath ?? 'ping', args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    const collect = (d: Buffer): void => {
      if (output.length < 256 * 1024) output += d.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);

    const finish = (result: PingResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(interrupt);
      clearTimeout(kill);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve(result);
    };
    const fromOutput = (): PingResult => {
      const s = parsePingOutput(output);
      const up = (s.received ?? 0) > 0;
      let error = up ? null : s.error;
      if (!up && !error) {
        error = s.sent !== null ? `no reply from ${opts.host} (${s.sent} sent, 100% loss)` : `no statistics from ping for ${opts.host}`;
      }
      if (!up && timedOut && s.sent === null) error = `ping ${opts.host} did not finish within ${formatDuration(opts.timeoutMs)}`;
      return { up, sent: s.sent, received: s.received, lossPercent: s.lossPercent, rttAvgMs: s.rttAvgMs, rttMinMs: s.rttMinMs, rttMaxMs: s.rttMaxMs, error };
    };

    const margin = Math.min(250, opts.timeoutMs / 5);
    const interrupt = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT'); // iputils prints the statistics so far and exits
    }, Math.max(0, opts.timeoutMs - margin));
    const kill = setTimeout(() => {
      timedOut = true;
      finish(fromOutput());
    }, Math.max(0, opts.timeoutMs));

    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') finish({ ...empty, error: `ping not found: install iputils-ping (${opts.pingPath ?? 'ping'} is not on PATH)` });
      else if (err.code === 'EACCES') finish({ ...empty, error: `ping: permission denied: cannot run ${opts.pingPath ?? 'ping'}` });
      else finish({ ...empty, error: `ping could not be started: ${err.message}` });
    });
    // 'close', not 'exit': the output pipes are drained by then.
    child.once('close', () => finish(fromOutput()));
  });
}
