// The only file that touches net-snmp. It opens a v1/v2c/v3 session from an SnmpConfig, and offers
// two promise-based requests, `get` and `walk`, that hand back plain RawVarbind records (see
// types.ts) and fail with an SnmpError whose message is safe to show: it names the device and
// never contains the community or a v3 key.
//
// net-snmp is loaded with a dynamic import on first use, so that loading the CLI (status, --help)
// does not load it. It ships no type declarations: the little of its API used here is typed below.
import { isIP } from 'node:net';
import type { RawType, RawVarbind, SnmpConfig } from './types.js';
import { loadNetSnmp, type NetSnmp, type NsCallback, type NsSession, type NsVarbind } from './net-snmp.js';

// ---------------------------------------------------------------------------------------------
// Public API

export interface SnmpTarget {
  /** Device name, for messages: `[snmp office-1] …`. */
  name: string;
  address: string;
  port: number;
  snmp: SnmpConfig;
  timeoutMs: number;
  retries: number;
}

export interface WalkOptions {
  /** GETBULK max-repetitions (v2c/v3); halved when the agent answers tooBig. */
  maxRepetitions?: number;
  /** Stop after this many varbinds: a guard against agents that never end a table. */
  maxVarbinds?: number;
}

export interface SnmpSession {
  /**
   * GET, one result per OID in order: null when the agent has no such object (v2c/v3 exceptions; on
   * v1, where one missing OID fails the whole request with noSuchName, each OID is asked alone).
   */
  get(oids: string[]): Promise<(RawVarbind | null)[]>;
  /** Every varbind under `baseOid`, in order: GETBULK on v2c/v3, GETNEXT on v1. */
  walk(baseOid: string, opts?: WalkOptions): Promise<RawVarbind[]>;
  /** Idempotent; pending requests fail. */
  close(): void;
  /**
   * Close at a deadline: every pending and later request fails with `reason` (a 'timeout' SnmpError),
   * also a walk in the middle of its pages.
   */
  abort(reason: string): void;
}

export type SnmpFailure = 'timeout' | 'auth' | 'privacy' | 'agent' | 'network' | 'unsupported' | 'other';

/** A failed request: `reason` is short and safe to show (`timeout after 2s (1 retry)`), `message` adds the device. */
export class SnmpError extends Error {
  readonly failure: SnmpFailure;
  readonly reason: string;
  readonly device: string;
  constructor(device: string, failure: SnmpFailure, reason: string, options?: { cause?: unknown }) {
    super(`[snmp ${device}] ${reason}`, options);
    this.name = 'SnmpError';
    this.device = device;
    this.failure = failure;
    this.reason = reason;
  }
}

/** `2s`, `1.5s`, `500ms`. */
export function formatTimeout(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function describeTimeout(timeoutMs: number, retries: number): string {
  return `timeout after ${formatTimeout(timeoutMs)} (${retries} ${retries === 1 ? 'retry' : 'retries'})`;
}

/** The secret strings of a config: they must never appear in a message. */
export function snmpSecrets(cfg: SnmpConfig): string[] {
  const s = cfg.version === '3' ? [cfg.auth?.key, cfg.priv?.key] : [cfg.community];
  return s.filter((x): x is string => typeof x === 'string' && x.length > 0);
}

export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}

export async function openSession(target: SnmpTarget): Promise<SnmpSession> {
  const snmp = await loadNetSnmp();
  const secrets = snmpSecrets(target.snmp);
  const options: Record<string, unknown> = {
    port: target.port,
    timeout: target.timeoutMs,
    retries: target.retries,
    transport: isIP(target.address) === 6 ? 'udp6' : 'udp4',
    // agents answer GETNEXT/GETBULK with OIDs out of order now and then; walk() guards against loops itself
    backwardsGetNexts: true,
  };
  const cfg = target.snmp;
  let ns: NsSession;
  if (cfg.version === '3') {
    const user: Record<string, unknown> = { name: cfg.user, level: snmp.SecurityLevel.noAuthNoPriv };
    if (cfg.auth) {
      user.level = cfg.priv ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv;
      user.authProtocol = snmp.AuthProtocols[cfg.auth.protocol];
      user.authKey = cfg.auth.key;
      if (cfg.priv) {
        user.privProtocol = snmp.PrivProtocols[cfg.priv.protocol];
        user.privKey = cfg.priv.key;
      }
    }
    ns = snmp.createV3Session(target.address, user, { ...options, context: cfg.context });
  } else {
    ns = snmp.createSession(target.address, cfg.community, { ...options, version: cfg.version === '1' ? snmp.Version1 : snmp.Version2c });
  }
  // A datagram net-snmp cannot decode is emitted as 'error'; unheard, it would crash the process.
  // The request it answered then times out, which is what the caller sees.
  ns.on('error', () => {});
  return new Session(snmp, ns, target, secrets);
}

// ---------------------------------------------------------------------------------------------

const TYPE_NAMES: Record<string, RawType> = {
  Integer: 'integer',
  OctetString: 'octets',
  OID: 'oid',
  IpAddress: 'ipAddress',
  Counter: 'counter32',
  Gauge: 'gauge32',
  TimeTicks: 'timeTicks',
  Counter64: 'counter64',
  Opaque: 'opaque',
  Null: 'null',
  NoSuchObject: 'noSuchObject',
  NoSuchInstance: 'noSuchInstance',
  EndOfMibView: 'endOfMibView',
};

/** Compare dotted OIDs numerically: <0, 0, >0. */
export function compareOids(a: string, b: string): number {
  const x = a.replace(/^\./, '').split('.').map(Number);
  const y = b.replace(/^\./, '').split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

function inSubtree(base: string, oid: string): boolean {
  return oid.replace(/^\./, '').startsWith(base.replace(/^\./, '') + '.');
}

class Session implements SnmpSession {
  private closed = false;
  private aborted: SnmpError | null = null;
  private readonly typeName: Map<number, RawType>;

  constructor(
    private readonly snmp: NetSnmp,
    private readonly ns: NsSession,
    private readonly target: SnmpTarget,
    private readonly secrets: string[],
  ) {
    this.typeName = new Map(Object.entries(TYPE_NAMES).map(([k, v]) => [snmp.ObjectType[k]!, v]));
  }

  private raw(vb: NsVarbind): RawVarbind {
    return { oid: vb.oid, type: this.typeName.get(vb.type) ?? 'unknown', value: vb.value };
  }

  private isException(vb: NsVarbind): boolean {
    const t = this.typeName.get(vb.type);
    return t === 'noSuchObject' || t === 'noSuchInstance' || t === 'endOfMibView';
  }

  private isStatus(e: unknown, status: string): boolean {
    return e instanceof Error && e.name === 'RequestFailedError' && (e as { status?: number }).status === this.snmp.ErrorStatus[status];
  }

  private call<T>(fn: (cb: NsCallback<T>) => void): Promise<T> {
    if (this.aborted) return Promise.reject(this.aborted);
    if (this.closed) return Promise.reject(new SnmpError(this.target.name, 'other', 'session closed'));
    return new Promise<T>((resolve, reject) => {
      try {
        fn((error, result) => (error ? reject(this.aborted ?? error) : resolve(result)));
      } catch (e) {
        reject(e);
      }
    });
  }

  async get(oids: string[]): Promise<(RawVarbind | null)[]> {
    try {
      const vbs = await this.call<NsVarbind[]>((cb) => this.ns.get(oids, cb));
      return oids.map((_, i) => {
        const vb = vbs[i];
        return vb && !this.isException(vb) ? this.raw(vb) : null;
      });
    } catch (e) {
      // SNMPv1: one missing OID fails the whole GET; ask each OID alone so the others still count
      if (this.isStatus(e, 'NoSuchName')) {
        if (oids.length === 1) return [null];
        return Promise.all(oids.map(async (oid) => (await this.get([oid]))[0] ?? null));
      }
      throw this.fail(e);
    }
  }

  async walk(baseOid: string, opts: WalkOptions = {}): Promise<RawVarbind[]> {
    const base = baseOid.replace(/^\./, '');
    const maxVarbinds = opts.maxVarbinds ?? 10_000;
    let reps = Math.max(1, opts.maxRepetitions ?? 25);
    const out: RawVarbind[] = [];
    let cursor = base;
    for (;;) {
      let page: NsVarbind[];
      try {
        if (this.target.snmp.version === '1') {
          page = await this.call<NsVarbind[]>((cb) => this.ns.getNext([cursor], cb));
        } else {
          page = (await this.call<NsVarbind[][]>((cb) => this.ns.getBulk([cursor], 0, reps, cb)))[0] ?? [];
        }
      } catch (e) {
        // v1 signals the end of the MIB view with noSuchName
        if (this.target.snmp.version === '1' && this.isStatus(e, 'NoSuchName')) return out;
        if (this.isStatus(e, 'TooBig') && reps > 1) {
          reps = Math.max(1, reps >> 1);
          continue;
        }
        throw this.fail(e);
      }
      if (page.length === 0) return out;
      for (const vb of page) {
        // the end of the subtree, of the MIB view, or an agent that goes backwards (a loop)
        if (this.isException(vb) || !inSubtree(base, vb.oid) || compareOids(vb.oid, cursor) <= 0) return out;
        out.push(this.raw(vb));
        cursor = vb.oid;
        if (out.length >= maxVarbinds) return out;
      }
    }
  }

  abort(reason: string): void {
    this.aborted ??= new SnmpError(this.target.name, 'timeout', reason);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ns.close();
    } catch {
      // already closed by net-snmp after a socket error
    }
  }

  /** net-snmp's error → SnmpError with a message fit for a status line (no keys, no digests). */
  private fail(e: unknown): SnmpError {
    if (e instanceof SnmpError) return e;
    const { name, timeoutMs, retries } = this.target;
    const err = e as (Error & { code?: unknown; status?: unknown }) | undefined;
    const msg = scrub(String(err?.message ?? e), this.secrets);
    // the cause keeps the kind and text of the original error, never its `info` (which holds the v3 user and keys)
    const cause = Object.assign(new Error(msg), { name: err?.name ?? 'Error', code: err?.code });
    const codes = this.snmp.ResponseInvalidCode;
    const out = (failure: SnmpFailure, reason: string) => new SnmpError(name, failure, reason, { cause });
    if (err?.name === 'RequestTimedOutError') return out('timeout', describeTimeout(timeoutMs, retries));
    if (err?.name === 'ResponseInvalidError') {
      if (err.code === codes.EAuthFailure) {
        if (/unknown user/i.test(msg)) return out('auth', 'authentication failed: unknown user name');
        if (/decryption/i.test(msg)) return out('privacy', 'decryption failed (check the priv key and protocol)');
        if (/digest/i.test(msg)) return out('auth', 'authentication failed: wrong digest (check the auth key and protocol)');
        return out('auth', `authentication failed: ${msg.toLowerCase()}`);
      }
      if (err.code === codes.ECouldNotDecrypt) return out('privacy', 'decryption failed (check the priv key and protocol)');
      if (err.code === codes.ENotInTimeWindow) return out('auth', 'authentication failed: not in time window');
      return out('other', `invalid response: ${msg}`);
    }
    if (err?.name === 'RequestFailedError') return out('agent', `agent error: ${msg}`);
    if (err?.code === 'ERR_OSSL_EVP_UNSUPPORTED') {
      const priv = this.target.snmp.version === '3' ? this.target.snmp.priv?.protocol : undefined;
      return out('unsupported', `${priv ?? 'this'} privacy is not supported by this Node.js build (OpenSSL 3 needs --openssl-legacy-provider for des); use aes`);
    }
    if (typeof err?.code === 'string') return out('network', `network error: ${msg}`);
    return out('other', msg);
  }
}
