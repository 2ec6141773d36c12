// The only file that imports net-snmp, for the session (session.ts) and the demo's agent alike.
// net-snmp ships no type declarations: the little of its API used here is typed below, and
// net-snmp.d.ts tells the compiler that the module exists (its shape is the NetSnmp interface).
import { installDesCompat } from './des-compat.js';

// ---------------------------------------------------------------------------------------------
// The subset of net-snmp used here

export interface NsVarbind {
  oid: string;
  type: number;
  value: unknown;
}
export type NsCallback<T> = (error: (Error & Record<string, unknown>) | null, varbinds: T) => void;
export interface NsSession {
  get(oids: string[], cb: NsCallback<NsVarbind[]>): void;
  getNext(oids: string[], cb: NsCallback<NsVarbind[]>): void;
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: NsCallback<NsVarbind[][]>): void;
  close(): void;
  on(event: 'error' | 'close', cb: (...args: unknown[]) => void): void;
}
export interface NetSnmp {
  Version1: number;
  Version2c: number;
  ObjectType: Record<string, number>;
  ErrorStatus: Record<string, number>;
  SecurityLevel: Record<string, number>;
  AuthProtocols: Record<string, string>;
  PrivProtocols: Record<string, string>;
  ResponseInvalidCode: Record<string, number>;
  createSession(target: string, community: string, options: Record<string, unknown>): NsSession;
  createV3Session(target: string, user: Record<string, unknown>, options: Record<string, unknown>): NsSession;
  /** For the demo's agent. */
  MaxAccess: Record<string, number>;
  MibProviderType: Record<string, number>;
  createAgent(options: Record<string, unknown>, callback: (error: unknown, data: unknown) => void): unknown;
}

let netSnmp: Promise<NetSnmp> | null = null;
/** net-snmp, loaded on first use (never by `status` or `--help`), with single DES made to work on OpenSSL 3. */
export function loadNetSnmp(): Promise<NetSnmp> {
  netSnmp ??= import('net-snmp').then((m) => {
    const snmp = ((m as { default?: unknown }).default ?? m) as NetSnmp;
    installDesCompat(snmp as unknown as Parameters<typeof installDesCompat>[0]);
    return snmp;
  });
  return netSnmp;
}

