// Poll printers over SNMP: one Reading per printer, never an exception. All printers run
// concurrently (at most `concurrency` in flight); within one printer the first requests (system GET,
// page count, supplies, hrPrinterTable, and the optional alert table and console) go out together,
// so that a printer that does not answer costs one timeout × (retries + 1), not one per request, and
// never holds up the others.
import type { PrinterConfig } from './config.js';
import type { Reading } from '../../core/types.js';
import type { PrinterMetrics } from './metrics.js';
import { OID, printerDeviceIndex, toPrinterMetrics, type PrinterRaw, type RawVarbind } from './printer-mib.js';
import { formatTimeout, openSession, scrub, snmpSecrets, SnmpError, type SnmpSession, type SnmpTarget } from '../../protocols/snmp/session.js';

export interface CollectPrintersOptions {
  /** Printers polled at the same time (config `defaults.concurrency`). */
  concurrency: number;
  /** One line per printer and per failed request, for --verbose. */
  log?: (line: string) => void;
  /** Opens the SNMP session of one printer; tests pass a fake. Default: session.ts over net-snmp. */
  openSession?: (target: SnmpTarget) => Promise<SnmpSession>;
  /** Called as each printer is done (read or not): how many of how many. */
  onDone?: (done: number, total: number) => void;
}

export async function collectPrinters(printers: PrinterConfig[], opts: CollectPrintersOptions): Promise<Reading[]> {
  const results: Reading[] = new Array(printers.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < printers.length) {
      const i = next++;
      results[i] = await collectPrinterSafely(printers[i]!, opts);
      opts.onDone?.(++done, printers.length);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency, printers.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  // collectPrinterSafely does not throw; should a bug make it, the printer still gets a reading
  settled.forEach((s) => s.status === 'rejected' && opts.log?.(`[snmp] internal error: ${String(s.reason)}`));
  return printers.map((p, i) => results[i] ?? unreachable(p, 'not polled (internal error)'));
}

function target(p: PrinterConfig): string {
  return `${p.address}:${p.port}`;
}

function unreachable(p: PrinterConfig, error: string): Reading {
  return { id: p.id, kind: 'printer', name: p.name, target: target(p), reachable: false, error, metrics: {} };
}

/** Why a printer could not be read, without its name: the reading belongs to the device already; logs add the prefix. */
function errorText(p: PrinterConfig, e: unknown): string {
  if (e instanceof SnmpError) return e.reason;
  const msg = e instanceof Error ? e.message : String(e);
  return scrub(msg, snmpSecrets(p.snmp));
}

async function collectPrinterSafely(p: PrinterConfig, opts: CollectPrintersOptions): Promise<Reading> {
  const started = Date.now();
  try {
    const reading = await collectPrinter(p, opts);
    const m = reading.metrics as unknown as PrinterMetrics;
    opts.log?.(reading.reachable ? `[snmp ${p.name}] ok: ${m.supplies.length} supplies, ${Date.now() - started} ms` : `[snmp ${p.name}] ${reading.error} (${Date.now() - started} ms)`);
    return reading;
  } catch (e) {
    const error = errorText(p, e);
    opts.log?.(`[snmp ${p.name}] ${error} (${Date.now() - started} ms)`);
    return unreachable(p, error);
  }
}

/**
 * What one printer may take in all: one request's timeout × (retries + 1), plus this much for the
 * requests that follow one another (walk pages, SNMPv1's one GET per OID, the hrDeviceStatus GET). An
 * agent that answers every request just in time, page after page, is cut off there: the printer keeps
 * what was read, and the unfinished requests' fields are left empty.
 */
export const PRINTER_GRACE_MS = 2000;

export function printerDeadlineMs(p: Pick<PrinterConfig, 'timeoutMs' | 'retries'>): number {
  return p.timeoutMs * (p.retries + 1) + PRINTER_GRACE_MS;
}

async function collectPrinter(p: PrinterConfig, opts: CollectPrintersOptions): Promise<Reading> {
  const open = opts.openSession ?? openSession;
  const session = await open({ name: p.name, address: p.address, port: p.port, snmp: p.snmp, timeoutMs: p.timeoutMs, retries: p.retries });
  const budget = printerDeadlineMs(p);
  const why = `no complete answer within ${formatTimeout(budget)} (timeout × (retries + 1) + ${formatTimeout(PRINTER_GRACE_MS)}, for the whole printer)`;
  // (a session without abort(), as a test may pass, is simply closed)
  const deadline = setTimeout(() => (typeof session.abort === 'function' ? session.abort(why) : session.close()), budget);
  try {
    // hrDeviceStatus.1 rides along with the system GET on v2c/v3, where an absent object costs
    // nothing: the printer is hrDevice 1 on nearly every agent, and that saves a round trip. An agent
    // that answers that GET with an error status is asked again without it.
    // GETBULK sizes: a marker or two and one hrPrinterTable row fit in 4; supplies are the long table.
    let statusOfOne: RawVarbind | null | undefined; // undefined: not asked
    const systemGet = async (): Promise<(RawVarbind | null)[]> => {
      if (p.snmp.version !== '1') {
        try {
          const [descr, name, status] = await session.get([OID.sysDescr, OID.sysName, `${OID.hrDeviceStatus}.1`]);
          statusOfOne = status ?? null;
          return [descr ?? null, name ?? null];
        } catch (e) {
          if (!(e instanceof SnmpError && e.failure === 'agent')) throw e;
        }
      }
      return session.get([OID.sysDescr, OID.sysName]);
    };
    // prtAlertTable and the console say why a printer is in warning; many printers have neither, and
    // their failure only leaves alerts and console empty. An alert table is bounded (a printer keeps a
    // few dozen alerts); maxVarbinds guards against one that is not.
    const [system, lifeCount, supplies, hrPrinter, alerts, consoleText] = await Promise.allSettled([
      systemGet(),
      session.walk(OID.prtMarkerLifeCount, { maxRepetitions: 4 }),
      session.walk(OID.prtMarkerSuppliesEntry, { maxRepetitions: 25 }),
      session.walk(OID.hrPrinterEntry, { maxRepetitions: 4 }),
      session.walk(OID.prtAlertEntry, { maxRepetitions: 25, maxVarbinds: 2000 }),
      session.walk(OID.prtConsoleDisplayBufferText, { maxRepetitions: 8, maxVarbinds: 100 }),
    ]);
    // reachable means: the agent answered the system GET
    if (system.status === 'rejected') return unreachable(p, errorText(p, system.reason));

    // A request that fails after the system GET answered leaves its own fields empty, nothing more.
    const failed = (what: string, e: unknown): null => {
      opts.log?.(`[snmp ${p.name}] ${errorText(p, e)} (${what}; its fields are left empty)`);
      return null;
    };
    const value = <T>(what: string, r: PromiseSettledResult<T>): T | null => (r.status === 'fulfilled' ? r.value : failed(what, r.reason));
    const raw: PrinterRaw = {
      system: system.value.filter((v): v is RawVarbind => v !== null),
      lifeCount: value('walk prtMarkerLifeCount', lifeCount),
      supplies: value('walk prtMarkerSuppliesTable', supplies),
      hrPrinter: value('walk hrPrinterTable', hrPrinter),
      alerts: value('walk prtAlertTable', alerts),
      console: value('walk prtConsoleDisplayBufferText', consoleText),
    };

    // The printer's hrDeviceIndex comes from hrPrinterTable. Only when that table answered empty is
    // hrDeviceTable walked: some agents cannot walk it at all (zebra's times out).
    let device = printerDeviceIndex(raw.hrPrinter);
    if (device === null && raw.hrPrinter !== null) {
      raw.hrDeviceType = await session.walk(OID.hrDeviceType).catch((e: unknown) => failed('walk hrDeviceType', e));
      device = printerDeviceIndex(raw.hrPrinter, raw.hrDeviceType);
    }
    if (device === 1 && statusOfOne !== undefined) {
      raw.deviceStatus = statusOfOne ? [statusOfOne] : [];
    } else if (device !== null) {
      const status = await session.get([`${OID.hrDeviceStatus}.${device}`]).catch((e: unknown) => failed('get hrDeviceStatus', e));
      raw.deviceStatus = status?.filter((v): v is RawVarbind => v !== null) ?? null;
    }

    const metrics: PrinterMetrics = toPrinterMetrics(raw);
    return { id: p.id, kind: 'printer', name: p.name, target: target(p), reachable: true, error: null, metrics: { ...metrics } };
  } finally {
    clearTimeout(deadline);
    session.close();
  }
}
