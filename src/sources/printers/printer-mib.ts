// Printer-MIB (RFC 3805) and HOST-RESOURCES-MIB (RFC 2790) as simplemon reads them: OIDs, enum
// names, and the mapping from raw varbinds to PrinterMetrics. PURE: no net-snmp, no I/O — session.ts
// turns net-snmp's varbinds into the plain RawVarbind records below, so this file can be tested on
// hand-written input and on recordings alike.
import type { PrinterAlert, PrinterMetrics, Supply } from './metrics.js';
import { ERROR_NAMES } from './rules.js';

// ---------------------------------------------------------------------------------------------
// OIDs

export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  /** hrDeviceType column; the value hrDevicePrinter marks a printer. */
  hrDeviceType: '1.3.6.1.2.1.25.3.2.1.2',
  hrDevicePrinter: '1.3.6.1.2.1.25.3.1.5',
  hrDeviceStatus: '1.3.6.1.2.1.25.3.2.1.5',
  /** hrPrinterEntry: .1 hrPrinterStatus, .2 hrPrinterDetectedErrorState, indexed by hrDeviceIndex. */
  hrPrinterEntry: '1.3.6.1.2.1.25.3.5.1',
  /** prtMarkerLifeCount, indexed by hrDeviceIndex.prtMarkerIndex. */
  prtMarkerLifeCount: '1.3.6.1.2.1.43.10.2.1.4',
  /** prtMarkerSuppliesEntry, indexed by hrDeviceIndex.prtMarkerSuppliesIndex. */
  prtMarkerSuppliesEntry: '1.3.6.1.2.1.43.11.1.1',
  /** prtAlertEntry, indexed by hrDeviceIndex.prtAlertIndex. */
  prtAlertEntry: '1.3.6.1.2.1.43.18.1.1',
  /** prtConsoleDisplayBufferText column, indexed by hrDeviceIndex.prtConsoleDisplayBufferIndex. */
  prtConsoleDisplayBufferText: '1.3.6.1.2.1.43.16.5.1.2',
} as const;

/** prtAlertEntry columns (3 training level, 5 group index, 6 location and 9 time are not used). */
const ALERT_COL = { severity: 2, group: 4, code: 7, description: 8 } as const;

/** prtMarkerSuppliesEntry columns. */
const SUPPLY_COL = { class: 4, type: 5, description: 6, unit: 7, maxCapacity: 8, level: 9 } as const;

// ---------------------------------------------------------------------------------------------
// Enum names (the MIBs' own spelling, "hrundreths" included)

/** PrtMarkerSuppliesTypeTC (RFC 3805, IANA-PRINTER-MIB). */
export const SUPPLY_TYPES: Readonly<Record<number, string>> = {
  1: 'other',
  2: 'unknown',
  3: 'toner',
  4: 'wasteToner',
  5: 'ink',
  6: 'inkCartridge',
  7: 'inkRibbon',
  8: 'wasteInk',
  9: 'opc',
  10: 'developer',
  11: 'fuserOil',
  12: 'solidWax',
  13: 'ribbonWax',
  14: 'wasteWax',
  15: 'fuser',
  16: 'coronaWire',
  17: 'fuserOilWick',
  18: 'cleanerUnit',
  19: 'fuserCleaningPad',
  20: 'transferUnit',
  21: 'tonerCartridge',
  22: 'fuserOiler',
  23: 'water',
  24: 'wasteWater',
  25: 'glueWaterAdditive',
  26: 'wastePaper',
  27: 'bindingSupply',
  28: 'bandingSupply',
  29: 'stitchingWire',
  30: 'shrinkWrap',
  31: 'paperWrap',
  32: 'staples',
  33: 'inserts',
  34: 'covers',
  35: 'matteToner',
  36: 'matteInk',
};

/** PrtMarkerSuppliesClassTC. */
export const SUPPLY_CLASSES: Readonly<Record<number, string>> = {
  1: 'other',
  3: 'supplyThatIsConsumed',
  4: 'receptacleThatIsFilled',
};

/** PrtMarkerSuppliesSupplyUnitTC. */
export const SUPPLY_UNITS: Readonly<Record<number, string>> = {
  1: 'other',
  2: 'unknown',
  3: 'tenThousandthsOfInches',
  4: 'micrometers',
  7: 'impressions',
  8: 'sheets',
  11: 'hours',
  12: 'thousandthsOfOunces',
  13: 'tenthsOfGrams',
  14: 'hundrethsOfFluidOunces',
  15: 'tenthsOfMilliliters',
  16: 'feet',
  17: 'meters',
  18: 'items',
  19: 'percent',
};

/** PrtAlertSeverityLevelTC (RFC 3805). */
export const ALERT_SEVERITIES: Readonly<Record<number, string>> = {
  1: 'other',
  3: 'critical',
  4: 'warning',
  5: 'warningBinaryChangeEvent',
};

/** PrtAlertGroupTC (IANA-PRINTER-MIB). */
export const ALERT_GROUPS: Readonly<Record<number, string>> = {
  1: 'other',
  3: 'hostResourcesMIBStorageTable',
  4: 'hostResourcesMIBDeviceTable',
  5: 'generalPrinter',
  6: 'cover',
  7: 'localization',
  8: 'input',
  9: 'output',
  10: 'marker',
  11: 'markerSupplies',
  12: 'markerColorant',
  13: 'mediaPath',
  14: 'channel',
  15: 'interpreter',
  16: 'consoleDisplayBuffer',
  17: 'consoleLights',
  18: 'alert',
  30: 'finDevice',
  31: 'finSupply',
  32: 'finSupplyMediaInput',
  33: 'finAttribute',
};

/** PrtAlertCodeTC (IANA-PRINTER-MIB). */
export const ALERT_CODES: Readonly<Record<number, string>> = {
  1: 'other',
  2: 'unknown',
  3: 'coverOpen',
  4: 'coverClosed',
  5: 'interlockOpen',
  6: 'interlockClosed',
  7: 'configurationChange',
  8: 'jam',
  9: 'subunitMissing',
  10: 'subunitLifeAlmostOver',
  11: 'subunitLifeOver',
  12: 'subunitAlmostEmpty',
  13: 'subunitEmpty',
  14: 'subunitAlmostFull',
  15: 'subunitFull',
  16: 'subunitNearLimit',
  17: 'subunitAtLimit',
  18: 'subunitOpened',
  19: 'subunitClosed',
  20: 'subunitTurnedOn',
  21: 'subunitTurnedOff',
  22: 'subunitOffline',
  23: 'subunitPowerSaver',
  24: 'subunitWarmingUp',
  25: 'subunitAdded',
  26: 'subunitRemoved',
  27: 'subunitResourceAdded',
  28: 'subunitResourceRemoved',
  29: 'subunitRecoverableFailure',
  30: 'subunitUnrecoverableFailure',
  31: 'subunitRecoverableStorageError',
  32: 'subunitUnrecoverableStorageError',
  33: 'subunitMotorFailure',
  34: 'subunitMemoryExhausted',
  35: 'subunitUnderTemperature',
  36: 'subunitOverTemperature',
  37: 'subunitTimingFailure',
  38: 'subunitThermistorFailure',
  501: 'doorOpen',
  502: 'doorClosed',
  503: 'powerUp',
  504: 'powerDown',
  505: 'printerNMSReset',
  506: 'printerManualReset',
  507: 'printerReadyToPrint',
  801: 'inputMediaTrayMissing',
  802: 'inputMediaSizeChange',
  803: 'inputMediaWeightChange',
  804: 'inputMediaTypeChange',
  805: 'inputMediaColorChange',
  806: 'inputMediaFormPartsChange',
  807: 'inputMediaSupplyLow',
  808: 'inputMediaSupplyEmpty',
  809: 'inputMediaChangeRequest',
  810: 'inputManualInputRequest',
  811: 'inputTrayPositionFailure',
  812: 'inputTrayElevationFailure',
  813: 'inputCannotFeedSizeSelected',
  901: 'outputMediaTrayMissing',
  902: 'outputMediaTrayAlmostFull',
  903: 'outputMediaTrayFull',
  904: 'outputMailboxSelectFailure',
  1001: 'markerFuserUnderTemperature',
  1002: 'markerFuserOverTemperature',
  1003: 'markerFuserTimingFailure',
  1004: 'markerFuserThermistorFailure',
  1005: 'markerAdjustingPrintQuality',
  1101: 'markerTonerEmpty',
  1102: 'markerInkEmpty',
  1103: 'markerPrintRibbonEmpty',
  1104: 'markerTonerAlmostEmpty',
  1105: 'markerInkAlmostEmpty',
  1106: 'markerPrintRibbonAlmostEmpty',
  1107: 'markerWasteTonerReceptacleAlmostFull',
  1108: 'markerWasteInkReceptacleAlmostFull',
  1109: 'markerWasteTonerReceptacleFull',
  1110: 'markerWasteInkReceptacleFull',
  1111: 'markerOpcLifeAlmostOver',
  1112: 'markerOpcLifeOver',
  1113: 'markerDeveloperAlmostEmpty',
  1114: 'markerDeveloperEmpty',
  1115: 'markerTonerCartridgeMissing',
  1301: 'mediaPathMediaTrayMissing',
  1302: 'mediaPathMediaTrayAlmostFull',
  1303: 'mediaPathMediaTrayFull',
  1304: 'mediaPathCannotDuplexMediaSelected',
  1501: 'interpreterMemoryIncrease',
  1502: 'interpreterMemoryDecrease',
  1503: 'interpreterCartridgeAdded',
  1504: 'interpreterCartridgeDeleted',
  1505: 'interpreterResourceAdded',
  1506: 'interpreterResourceDeleted',
  1507: 'interpreterResourceUnavailable',
  1509: 'interpreterComplexPageEncountered',
  1801: 'alertRemovalOfBinaryChangeEntry',
};

/** hrDeviceStatus (RFC 2790). */
export const DEVICE_STATUSES: Readonly<Record<number, string>> = {
  1: 'unknown',
  2: 'running',
  3: 'warning',
  4: 'testing',
  5: 'down',
};

/** hrPrinterStatus (RFC 2790). */
export const PRINTER_STATUSES: Readonly<Record<number, string>> = {
  1: 'other',
  2: 'unknown',
  3: 'idle',
  4: 'printing',
  5: 'warmup',
};

// ---------------------------------------------------------------------------------------------
// Raw input

export type { RawType, RawVarbind } from '../../protocols/snmp/types.js';
import type { RawType, RawVarbind } from '../../protocols/snmp/types.js';

/**
 * What one printer poll read. Each field is the result of one request; `null` means the request
 * failed or was not made, and every field it would have given is then null (or empty).
 */
export interface PrinterRaw {
  /** GET sysDescr.0, sysName.0 (missing OIDs left out or given as exceptions). */
  system: RawVarbind[] | null;
  /** Walk of prtMarkerLifeCount. */
  lifeCount: RawVarbind[] | null;
  /** Walk of prtMarkerSuppliesEntry. */
  supplies: RawVarbind[] | null;
  /** Walk of hrPrinterEntry. */
  hrPrinter: RawVarbind[] | null;
  /** Walk of hrDeviceType, made only when hrPrinterEntry was empty. */
  hrDeviceType?: RawVarbind[] | null;
  /** GET hrDeviceStatus.<printer device>. */
  deviceStatus?: RawVarbind[] | null;
  /** Walk of prtAlertEntry (absent on many printers: then empty). */
  alerts?: RawVarbind[] | null;
  /** Walk of prtConsoleDisplayBufferText. */
  console?: RawVarbind[] | null;
}

// ---------------------------------------------------------------------------------------------
// Value decoding: a value of the wrong syntax is null, never an exception

const INTEGER_TYPES = new Set<RawType>(['integer', 'counter32', 'gauge32', 'timeTicks']);

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** An INTEGER-family value as a number; anything else (a string where a number belongs) is null. */
export function intValue(vb: RawVarbind | undefined): number | null {
  if (!vb) return null;
  if (INTEGER_TYPES.has(vb.type)) return typeof vb.value === 'number' && Number.isInteger(vb.value) ? vb.value : null;
  if (vb.type === 'counter64' && isBytes(vb.value)) return counter64(vb.value);
  return null;
}

/** Counter64 arrives as big-endian bytes (net-snmp does not decode it); null when empty or beyond 2^53. */
function counter64(bytes: Uint8Array): number | null {
  if (bytes.length === 0 || bytes.length > 9) return null;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * An OCTET STRING as text: the exact bytes decoded as UTF-8, nothing trimmed. Older printers send
 * Latin-1 (`B\xfcro`): bytes that are not UTF-8 are read as Latin-1 rather than dropped — except a
 * multi-byte character cut off at the end (a truncated answer: the text before it is kept) and binary
 * data (control bytes other than tab/CR/LF), which give null rather than garbage; an Integer where
 * text belongs gives null too.
 */
export function textValue(vb: RawVarbind | undefined): string | null {
  if (!vb || vb.type !== 'octets') return null;
  if (typeof vb.value === 'string') return vb.value;
  if (!isBytes(vb.value)) return null;
  const b = vb.value;
  try {
    return UTF8.decode(b);
  } catch {
    // a UTF-8 lead byte with too few continuation bytes at the very end: cut off. A lone lead byte at the
    // end is also plain Latin-1 ("café" ends in 0xE9): it counts as cut off only after other UTF-8 text.
    for (let k = 1; k <= 3 && k <= b.length; k++) {
      const lead = b[b.length - k];
      const need = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead < 0xe0 ? 2 : 0;
      if (need > k && (k >= 2 || b.subarray(0, b.length - 1).some((x) => x >= 0x80)) && b.subarray(b.length - k + 1).every((x) => x >= 0x80 && x < 0xc0)) {
        try {
          return UTF8.decode(b.subarray(0, b.length - k));
        } catch {
          break;
        }
      }
    }
    if (b.some((x) => (x < 0x20 && x !== 9 && x !== 10 && x !== 13) || x === 0x7f || (x >= 0x80 && x < 0xa0))) return null;
    return Buffer.from(b).toString('latin1');
  }
}

function bytesValue(vb: RawVarbind | undefined): Uint8Array | null {
  if (!vb || vb.type !== 'octets' || !isBytes(vb.value)) return null;
  return vb.value;
}

function oidValue(vb: RawVarbind | undefined): string | null {
  return vb && vb.type === 'oid' && typeof vb.value === 'string' ? vb.value : null;
}

function enumName(table: Readonly<Record<number, string>>, vb: RawVarbind | undefined): string | null {
  const n = intValue(vb);
  return n === null ? null : (table[n] ?? null);
}

// ---------------------------------------------------------------------------------------------
// OID helpers

/** The numeric sub-identifiers after `base`, or null when `oid` is not strictly inside `base`. */
export function oidSuffix(base: string, oid: string): number[] | null {
  const b = base.replace(/^\./, '');
  const o = oid.replace(/^\./, '');
  if (!o.startsWith(b + '.')) return null;
  const parts = o.slice(b.length + 1).split('.');
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return null;
    out.push(Number(p));
  }
  return out;
}

function compareIndex(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Varbinds that carry a value (SNMPv2 exceptions dropped). */
function present(vbs: RawVarbind[] | null | undefined): RawVarbind[] {
  return (vbs ?? []).filter((v) => v.type !== 'noSuchObject' && v.type !== 'noSuchInstance' && v.type !== 'endOfMibView');
}

function byOid(vbs: RawVarbind[] | null | undefined, oid: string): RawVarbind | undefined {
  return present(vbs).find((v) => v.oid.replace(/^\./, '') === oid);
}

// ---------------------------------------------------------------------------------------------
// Decisions

/**
 * hrPrinterDetectedErrorState → error names. Bit 0 is the top bit (0x80) of the first octet
 * (RFC 3805 §2.2.13.4 / RFC 2790). Agents send 0, 1 or 2 octets: zero octets means no error; bits
 * beyond the 15 named ones are ignored.
 */
export function decodeErrorState(buf: Uint8Array | null | undefined): string[] {
  if (!buf) return [];
  const out: string[] = [];
  for (let bit = 0; bit < ERROR_NAMES.length; bit++) {
    const octet = buf[bit >> 3];
    if (octet === undefined) break;
    if (octet & (0x80 >> (bit & 7))) out.push(ERROR_NAMES[bit]!);
  }
  return out;
}

/**
 * Percent remaining of a supply (for a receptacle: of space remaining — RFC 3805 defines its level
 * that way, so the formula is the same).
 *
 *   level          maxCapacity      percent
 *   null           any              null
 *   −3 (some)      any              50     an estimate; the toner-low rule ignores level −3
 *   −2 (unknown)   any              null
 *   −1 (no limit)  any              null   (LibreNMS says 0; no recording has it, the issue says null)
 *   other < 0      any              null
 *   ≥ 0            > 0              round(level / maxCapacity × 100), half away from zero
 *   ≥ 0            ≤ 0 / null       round(level)  — capacity taken as 100 (sharp waste toner: −2, 100 → 100)
 *
 * Not clamped at 100: a device that reports more than its capacity is shown as it says.
 */
export function supplyPercent(level: number | null, maxCapacity: number | null): number | null {
  if (level === null || !Number.isFinite(level)) return null;
  if (level === -3) return 50;
  if (level < 0) return null;
  const cap = maxCapacity !== null && Number.isFinite(maxCapacity) && maxCapacity > 0 ? maxCapacity : 100;
  // Integer arithmetic where possible, so that 29/200 is exactly 14.5 and rounds to 15.
  if (Number.isSafeInteger(level * 200) && Number.isInteger(cap)) return Math.floor((level * 200 + cap) / (2 * cap));
  return Math.round((level / cap) * 100);
}

/**
 * Which hrDeviceIndex is the printer: the lowest row of hrPrinterTable; when that table is empty,
 * the lowest hrDeviceIndex whose hrDeviceType is hrDevicePrinter. Null when neither says.
 */
export function printerDeviceIndex(hrPrinter: RawVarbind[] | null | undefined, hrDeviceType?: RawVarbind[] | null): number | null {
  const fromPrinterTable = present(hrPrinter)
    .map((v) => oidSuffix(OID.hrPrinterEntry, v.oid))
    .filter((s): s is number[] => s !== null && s.length === 2 && (s[0] === 1 || s[0] === 2))
    .map((s) => s[1]!);
  if (fromPrinterTable.length) return Math.min(...fromPrinterTable);
  const fromType = present(hrDeviceType)
    .filter((v) => oidValue(v)?.replace(/^\./, '') === OID.hrDevicePrinter)
    .map((v) => oidSuffix(OID.hrDeviceType, v.oid))
    .filter((s): s is number[] => s !== null && s.length === 1)
    .map((s) => s[0]!);
  return fromType.length ? Math.min(...fromType) : null;
}

/** Rows of prtMarkerSuppliesEntry in index order; a row exists when any column has it (gaps allowed). */
function supplyRows(vbs: RawVarbind[] | null | undefined): Supply[] {
  const rows = new Map<string, { idx: number[]; cols: Map<number, RawVarbind> }>();
  for (const v of present(vbs)) {
    const s = oidSuffix(OID.prtMarkerSuppliesEntry, v.oid);
    // column . hrDeviceIndex . prtMarkerSuppliesIndex — anything else is not ours
    if (!s || s.length !== 3) continue;
    const [col, dev, sup] = s as [number, number, number];
    const key = `${dev}.${sup}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { idx: [dev, sup], cols: new Map() }));
    row.cols.set(col, v);
  }
  return [...rows.entries()]
    .sort((a, b) => compareIndex(a[1].idx, b[1].idx))
    .map(([index, { cols }]) => {
      const level = intValue(cols.get(SUPPLY_COL.level));
      const maxCapacity = intValue(cols.get(SUPPLY_COL.maxCapacity));
      return {
        index,
        description: textValue(cols.get(SUPPLY_COL.description)),
        type: enumName(SUPPLY_TYPES, cols.get(SUPPLY_COL.type)),
        class: enumName(SUPPLY_CLASSES, cols.get(SUPPLY_COL.class)),
        unit: enumName(SUPPLY_UNITS, cols.get(SUPPLY_COL.unit)),
        maxCapacity,
        level,
        percent: supplyPercent(level, maxCapacity),
      };
    });
}

/** The rows of a table walk, keyed by their two-part index (hrDeviceIndex.rowIndex), in index order. */
function tableRows(base: string, vbs: RawVarbind[] | null | undefined): Map<number, RawVarbind>[] {
  const rows = new Map<string, { idx: number[]; cols: Map<number, RawVarbind> }>();
  for (const v of present(vbs)) {
    const s = oidSuffix(base, v.oid);
    if (!s || s.length !== 3) continue;
    const [col, dev, row] = s as [number, number, number];
    const key = `${dev}.${row}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { idx: [dev, row], cols: new Map() }));
    r.cols.set(col, v);
  }
  return [...rows.values()].sort((a, b) => compareIndex(a.idx, b.idx)).map((r) => r.cols);
}

/** prtAlertTable rows in index order: the printer's own account of what is wrong. */
function alertRows(vbs: RawVarbind[] | null | undefined): PrinterAlert[] {
  return tableRows(OID.prtAlertEntry, vbs).map((cols) => ({
    severity: enumName(ALERT_SEVERITIES, cols.get(ALERT_COL.severity)),
    group: enumName(ALERT_GROUPS, cols.get(ALERT_COL.group)),
    description: textValue(cols.get(ALERT_COL.description)),
    code: enumName(ALERT_CODES, cols.get(ALERT_COL.code)),
  }));
}

/**
 * The console display lines in index order, each trimmed (agents pad them to the display width);
 * empty lines and text that is not UTF-8 left out.
 */
function consoleLines(vbs: RawVarbind[] | null | undefined): string[] {
  const lines: { idx: number[]; text: string }[] = [];
  for (const v of present(vbs)) {
    const s = oidSuffix(OID.prtConsoleDisplayBufferText, v.oid);
    if (!s || s.length !== 2) continue;
    const text = textValue(v)?.trim();
    if (text) lines.push({ idx: s, text });
  }
  return lines.sort((a, b) => compareIndex(a.idx, b.idx)).map((l) => l.text);
}

/**
 * prtMarkerLifeCount of the lowest marker (hrDeviceIndex, prtMarkerIndex); null when absent or not a
 * counter. A Counter32 cannot be negative: an agent that sends a negative INTEGER there has no count.
 */
function pageCount(vbs: RawVarbind[] | null | undefined): number | null {
  let best: { idx: number[]; vb: RawVarbind } | null = null;
  for (const v of present(vbs)) {
    const s = oidSuffix(OID.prtMarkerLifeCount, v.oid);
    if (!s || s.length !== 2) continue;
    if (!best || compareIndex(s, best.idx) < 0) best = { idx: s, vb: v };
  }
  const n = best ? intValue(best.vb) : null;
  return n !== null && n >= 0 ? n : null;
}

/** Everything one poll read → PrinterMetrics. Never throws on odd agent data. */
export function toPrinterMetrics(raw: PrinterRaw): PrinterMetrics {
  const device = printerDeviceIndex(raw.hrPrinter, raw.hrDeviceType);
  const hrRow = (col: 1 | 2) => (device === null ? undefined : byOid(raw.hrPrinter, `${OID.hrPrinterEntry}.${col}.${device}`));
  return {
    sysName: textValue(byOid(raw.system, OID.sysName)),
    sysDescr: textValue(byOid(raw.system, OID.sysDescr)),
    pageCount: pageCount(raw.lifeCount),
    supplies: supplyRows(raw.supplies),
    printerStatus: enumName(PRINTER_STATUSES, hrRow(1)),
    deviceStatus: device === null ? null : enumName(DEVICE_STATUSES, byOid(raw.deviceStatus, `${OID.hrDeviceStatus}.${device}`)),
    errors: decodeErrorState(bytesValue(hrRow(2))),
    alerts: alertRows(raw.alerts),
    console: consoleLines(raw.console),
  };
}
