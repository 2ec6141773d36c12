// IPP's binary message encoding (RFC 8010 §3), written here because the npm IPP packages are
// unmaintained: they declare Node < 4, have no timeouts and no size limits. This file is pure (no
// node:*, no npm): bytes in, values out, so that the decoder can be fuzzed in a unit test.
//
// The decoder is strict and bounded: every length field is checked against the bytes that are left
// before it is used, nothing is allocated from a length field (values are copied only once their
// bytes are known to be there), collections nest at most MAX_DEPTH deep, and every loop advances the
// offset — so any input, however malformed, either decodes or throws IppDecodeError (with the offset)
// in time linear in its size.

/** Malformed IPP: `offset` is where in the message the problem was found. */
export class IppDecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`malformed IPP response at byte ${offset}: ${message}`);
    this.name = 'IppDecodeError';
  }
}

// Delimiter tags (RFC 8010 §3.5.1).
export const GROUP_TAGS = {
  operation: 0x01,
  job: 0x02,
  printer: 0x04,
  unsupported: 0x05,
  subscription: 0x06,
  'event-notification': 0x07,
  resource: 0x08,
  document: 0x09,
  system: 0x0a,
} as const;
export type IppGroupName = keyof typeof GROUP_TAGS | `group-0x${string}`;
const END_OF_ATTRIBUTES = 0x03;

// Value tags (RFC 8010 §3.5.2).
export const TAG = {
  unsupported: 0x10,
  unknown: 0x12,
  noValue: 0x13,
  notSettable: 0x15,
  deleteAttribute: 0x16,
  adminDefine: 0x17,
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  textWithoutLanguage: 0x41,
  nameWithoutLanguage: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
} as const;

const OUT_OF_BAND: Record<number, IppOutOfBand['outOfBand']> = {
  0x10: 'unsupported',
  0x11: 'default',
  0x12: 'unknown',
  0x13: 'no-value',
  0x15: 'not-settable',
  0x16: 'delete-attribute',
  0x17: 'admin-define',
};

export interface IppOutOfBand {
  outOfBand: 'unsupported' | 'default' | 'unknown' | 'no-value' | 'not-settable' | 'delete-attribute' | 'admin-define' | `0x${string}`;
}
export interface IppResolution {
  x: number;
  y: number;
  /** 3 = dots per inch, 4 = dots per centimetre */
  units: 'dpi' | 'dpcm' | number;
}
export interface IppRange {
  lower: number;
  upper: number;
}
export interface IppStringWithLanguage {
  lang: string;
  text: string;
}
/** A collection: member name → its values. (A null-prototype object: member names cannot reach Object.prototype.) */
export type IppCollection = { [member: string]: IppValue[] };
/** A value that the decoder does not interpret (reserved or extension tags): its bytes. */
export interface IppOpaque {
  tag: number;
  bytes: Uint8Array;
}

/**
 * One decoded value. Its JS type says what it is: integer and enum → number, boolean → boolean,
 * text/name/keyword/uri/uriScheme/charset/naturalLanguage/mimeMediaType → string, octetString →
 * Uint8Array, dateTime → Date (an invalid Date when its fields are out of range), collections → an
 * IppCollection, out-of-band values → IppOutOfBand.
 */
export type IppValue =
  | number
  | boolean
  | string
  | Uint8Array
  | Date
  | IppResolution
  | IppRange
  | IppStringWithLanguage
  | IppCollection
  | IppOutOfBand
  | IppOpaque;

export interface IppAttribute {
  name: string;
  /** The value tag of the first value (a 1setOf may mix tags, e.g. name and nameWithLanguage). */
  tag: number;
  values: IppValue[];
}

export interface IppGroup {
  name: IppGroupName;
  tag: number;
  attributes: IppAttribute[];
}

export interface IppMessage {
  /** [major, minor], e.g. [2, 0] */
  version: [number, number];
  /** operation-id in a request, status-code in a response */
  code: number;
  requestId: number;
  groups: IppGroup[];
  /** Whatever follows end-of-attributes (a document in a request). */
  data?: Uint8Array;
}

export interface IppResponse extends IppMessage {
  statusName: string;
}

export const OPERATIONS = {
  'Print-Job': 0x0002,
  'Get-Job-Attributes': 0x0009,
  'Get-Jobs': 0x000a,
  'Get-Printer-Attributes': 0x000b,
} as const;

const STATUS_NAMES: Record<number, string> = {
  0x0000: 'successful-ok',
  0x0001: 'successful-ok-ignored-or-substituted-attributes',
  0x0002: 'successful-ok-conflicting-attributes',
  0x0003: 'successful-ok-ignored-subscriptions',
  0x0005: 'successful-ok-too-many-events',
  0x0007: 'successful-ok-events-complete',
  0x0400: 'client-error-bad-request',
  0x0401: 'client-error-forbidden',
  0x0402: 'client-error-not-authenticated',
  0x0403: 'client-error-not-authorized',
  0x0404: 'client-error-not-possible',
  0x0405: 'client-error-timeout',
  0x0406: 'client-error-not-found',
  0x0407: 'client-error-gone',
  0x0408: 'client-error-request-entity-too-large',
  0x0409: 'client-error-request-value-too-long',
  0x040a: 'client-error-document-format-not-supported',
  0x040b: 'client-error-attributes-or-values-not-supported',
  0x040c: 'client-error-uri-scheme-not-supported',
  0x040d: 'client-error-charset-not-supported',
  0x040e: 'client-error-conflicting-attributes',
  0x040f: 'client-error-compression-not-supported',
  0x0410: 'client-error-compression-error',
  0x0411: 'client-error-document-format-error',
  0x0412: 'client-error-document-access-error',
  0x0413: 'client-error-attributes-not-settable',
  0x0414: 'client-error-ignored-all-subscriptions',
  0x0415: 'client-error-too-many-subscriptions',
  0x0418: 'client-error-document-password-error',
  0x0419: 'client-error-document-permission-error',
  0x041a: 'client-error-document-security-error',
  0x041b: 'client-error-document-unprintable-error',
  0x041c: 'client-error-account-info-needed',
  0x041d: 'client-error-account-closed',
  0x041e: 'client-error-account-limit-reached',
  0x041f: 'client-error-account-authorization-failed',
  0x0420: 'client-error-not-fetchable',
  0x0500: 'server-error-internal-error',
  0x0501: 'server-error-operation-not-supported',
  0x0502: 'server-error-service-unavailable',
  0x0503: 'server-error-version-not-supported',
  0x0504: 'server-error-device-error',
  0x0505: 'server-error-temporary-error',
  0x0506: 'server-error-not-accepting-jobs',
  0x0507: 'server-error-busy',
  0x0508: 'server-error-job-canceled',
  0x0509: 'server-error-multiple-document-jobs-not-supported',
  0x050a: 'server-error-printer-is-deactivated',
  0x050b: 'server-error-too-many-jobs',
  0x050c: 'server-error-too-many-documents',
};

/** The RFC 8011 name of a status code; unknown codes keep their class: `client-error-0x04ff`. */
export function statusName(code: number): string {
  const known = STATUS_NAMES[code];
  if (known) return known;
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  if (code < 0x0100) return `successful-${hex}`;
  if (code >= 0x0300 && code < 0x0400) return `redirection-${hex}`;
  if (code >= 0x0400 && code < 0x0500) return `client-error-${hex}`;
  if (code >= 0x0500 && code < 0x0600) return `server-error-${hex}`;
  return `status-${hex}`;
}

/** successful-* (0x0000–0x00FF) */
export function isSuccess(code: number): boolean {
  return code >= 0 && code < 0x0100;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Collections nested deeper than this are refused (no real attribute nests more than 4 deep). */
export const MAX_DEPTH = 16;

const utf8 = new TextDecoder('utf-8');

class Reader {
  pos = 0;
  /** `base`: where buf starts in the whole message, so that errors name the message's offset. */
  constructor(
    readonly buf: Uint8Array,
    readonly base = 0,
  ) {}

  need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) {
      throw new IppDecodeError(`${what}: needs ${n} byte${n === 1 ? '' : 's'}, only ${this.buf.length - this.pos} left`, this.base + this.pos);
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  i32(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    const v = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
    this.pos += 4;
    return v;
  }
  /** A length-prefixed (2 bytes) field, bounds-checked before anything is read. */
  field(what: string): Uint8Array {
    const len = this.u16(`${what} length`);
    this.need(len, what);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

function dv(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeDateTime(b: Uint8Array): Date {
  // RFC 2579 DateAndTime, 11 octets: year(2) month day hour minutes seconds deci-seconds direction hours minutes
  const d = dv(b);
  const year = d.getUint16(0);
  const [month, day, hour, min, sec, deci, dir, offH, offM] = [b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!, b[8]!, b[9]!, b[10]!];
  const sign = dir === 0x2b ? 1 : dir === 0x2d ? -1 : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60 || deci > 9 || sign === 0 || offH > 14 || offM > 59) {
    return new Date(Number.NaN);
  }
  const utc = Date.UTC(year, month - 1, day, hour, min, sec, deci * 100);
  return new Date(utc - sign * (offH * 60 + offM) * 60_000);
}

/** One value's bytes → its JS value, by tag. `at` is where the value's bytes start (for errors). */
function decodeValue(tag: number, b: Uint8Array, at: number): IppValue {
  const exact = (n: number, type: string): void => {
    if (b.length !== n) throw new IppDecodeError(`${type} value must be ${n} bytes, got ${b.length}`, at);
  };
  if (tag >= 0x10 && tag <= 0x1f) {
    // out-of-band: RFC 8010 says the value is empty; tolerate (and ignore) bytes, which are bounded anyway
    return { outOfBand: OUT_OF_BAND[tag] ?? `0x${tag.toString(16)}` };
  }
  switch (tag) {
    case TAG.integer:
    case TAG.enum:
      exact(4, tag === TAG.integer ? 'integer' : 'enum');
      return dv(b).getInt32(0);
    case TAG.boolean:
      exact(1, 'boolean');
      if (b[0]! > 1) throw new IppDecodeError(`boolean value must be 0 or 1, got ${b[0]}`, at);
      return b[0] === 1;
    case TAG.dateTime:
      exact(11, 'dateTime');
      return decodeDateTime(b);
    case TAG.resolution: {
      exact(9, 'resolution');
      const d = dv(b);
      const u = b[8]!;
      return { x: d.getInt32(0), y: d.getInt32(4), units: u === 3 ? 'dpi' : u === 4 ? 'dpcm' : u };
    }
    case TAG.rangeOfInteger: {
      exact(8, 'rangeOfInteger');
      const d = dv(b);
      return { lower: d.getInt32(0), upper: d.getInt32(4) };
    }
    case TAG.textWithLanguage:
    case TAG.nameWithLanguage: {
      // language length + language + text length + text, which must fill the value exactly
      const r = new Reader(b, at);
      const lang = r.field('language');
      const text = r.field('text');
      if (r.pos !== b.length) throw new IppDecodeError(`${b.length - r.pos} stray bytes after a ${tag === TAG.textWithLanguage ? 'textWithLanguage' : 'nameWithLanguage'} value`, at + r.pos);
      return { lang: utf8.decode(lang), text: utf8.decode(text) };
    }
    case TAG.octetString:
      return b.slice();
    case TAG.textWithoutLanguage:
    case TAG.nameWithoutLanguage:
    case TAG.keyword:
    case TAG.uri:
    case TAG.uriScheme:
    case TAG.charset:
    case TAG.naturalLanguage:
    case TAG.mimeMediaType:
    case TAG.memberAttrName:
      return utf8.decode(b);
    default:
      // reserved or extension (0x7F) tags: kept as bytes; their length was already bounds-checked
      return { tag, bytes: b.slice() };
  }
}

interface RawAttr {
  at: number;
  tag: number;
  name: Uint8Array;
  value: Uint8Array;
  valueAt: number;
}

/** One attribute header + value; the caller decides what it means. Null at a delimiter tag. */
function readRaw(r: Reader): RawAttr | null {
  const at = r.pos;
  r.need(1, 'tag');
  const tag = r.buf[r.pos]!;
  if (tag < 0x10) return null;
  r.pos++;
  const name = r.field('attribute name');
  const valueLen = r.u16('value length');
  r.need(valueLen, 'value');
  const valueAt = r.pos;
  const value = r.buf.subarray(r.pos, r.pos + valueLen);
  r.pos += valueLen;
  return { at, tag, name, value, valueAt };
}

/**
 * A collection's members, after its begCollection value (RFC 8010 §3.1.6): memberAttrName (name
 * empty, value = member name), then that member's values (name empty; additional values likewise),
 * nested collections, until endCollection.
 */
function readCollection(r: Reader, depth: number, at: number): IppCollection {
  if (depth > MAX_DEPTH) throw new IppDecodeError(`collections nested deeper than ${MAX_DEPTH}`, at);
  const out: IppCollection = Object.create(null);
  let current: IppValue[] | null = null;
  for (;;) {
    const a = readRaw(r);
    if (!a) throw new IppDecodeError('collection not closed by endCollection', r.pos);
    if (a.name.length !== 0) throw new IppDecodeError('an attribute name inside a collection (member names go in memberAttrName values)', a.at);
    if (a.tag === TAG.endCollection) return out;
    if (a.tag === TAG.memberAttrName) {
      const member = utf8.decode(a.value);
      if (member.length === 0) throw new IppDecodeError('empty memberAttrName', a.valueAt);
      current = out[member] ?? (out[member] = []);
      continue;
    }
    if (!current) throw new IppDecodeError('a collection value before any memberAttrName', a.at);
    current.push(a.tag === TAG.begCollection ? readCollection(r, depth + 1, a.at) : decodeValue(a.tag, a.value, a.valueAt));
  }
}

function groupName(tag: number): IppGroupName {
  for (const [name, t] of Object.entries(GROUP_TAGS)) if (t === tag) return name as IppGroupName;
  return `group-0x${tag.toString(16).padStart(2, '0')}`;
}

/**
 * Decode an IPP message (a response, or a request: the layout is the same). Throws IppDecodeError
 * for anything malformed: truncated fields, lengths past the end, a value of the wrong size,
 * attributes outside a group, an additional value with no attribute before it, unclosed or too
 * deeply nested collections, a missing end-of-attributes tag.
 */
export function decodeMessage(input: Uint8Array): IppMessage {
  const r = new Reader(input);
  const major = r.u8('version');
  const minor = r.u8('version');
  if (major < 1 || major > 2) throw new IppDecodeError(`unsupported IPP version ${major}.${minor}`, 0);
  const code = r.u16('status-code');
  const requestId = r.i32('request-id');
  const groups: IppGroup[] = [];
  let group: IppGroup | null = null;
  let last: IppAttribute | null = null;
  for (;;) {
    const at = r.pos;
    const a = readRaw(r);
    if (!a) {
      const tag = r.u8('delimiter tag');
      if (tag === END_OF_ATTRIBUTES) break;
      if (tag === 0x00) throw new IppDecodeError('reserved delimiter tag 0x00', at);
      group = { name: groupName(tag), tag, attributes: [] };
      groups.push(group);
      last = null;
      continue;
    }
    if (!group) throw new IppDecodeError('an attribute before any group tag', at);
    if (a.tag === TAG.endCollection || a.tag === TAG.memberAttrName) throw new IppDecodeError(`tag 0x${a.tag.toString(16)} outside a collection`, at);
    const value = a.tag === TAG.begCollection ? readCollection(r, 1, at) : decodeValue(a.tag, a.value, a.valueAt);
    if (a.name.length === 0) {
      // an additional value of the attribute before it (1setOf)
      if (!last) throw new IppDecodeError('an additional value with no attribute before it', at);
      last.values.push(value);
    } else {
      last = { name: utf8.decode(a.name), tag: a.tag, values: [value] };
      group.attributes.push(last);
    }
  }
  const msg: IppMessage = { version: [major, minor], code, requestId, groups };
  if (r.pos < input.length) msg.data = input.subarray(r.pos);
  return msg;
}

/** decodeMessage, plus the status code's name. */
export function decodeResponse(input: Uint8Array): IppResponse {
  const m = decodeMessage(input);
  return { ...m, statusName: statusName(m.code) };
}

/** The first attribute of that name in the group, or undefined. */
export function findAttribute(group: IppGroup | undefined, name: string): IppAttribute | undefined {
  return group?.attributes.find((a) => a.name === name);
}

// ---------------------------------------------------------------------------------------------
// Encoding

const utf8e = new TextEncoder();

/** Grows as needed; checks every length that must fit 16 bits. */
class Writer {
  private buf = new Uint8Array(1024);
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.u8(v >>> 8);
    this.u8(v);
  }
  i32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  field(b: Uint8Array, what: string): void {
    if (b.length > 0xffff) throw new RangeError(`IPP ${what} is ${b.length} bytes, more than 65535`);
    this.u16(b.length);
    this.bytes(b);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function int32(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`IPP ${name}: ${String(v)} is not a 32-bit integer`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !(v instanceof Date);
}

/** A decoded collection has a null prototype; the small value objects have Object's. */
function isPlain(v: unknown, keys: string[]): v is Record<string, unknown> {
  if (!isObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return false;
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => own.includes(k));
}
const isOutOfBand = (v: unknown): v is IppOutOfBand => isPlain(v, ['outOfBand']);
const isWithLanguage = (v: unknown): v is IppStringWithLanguage => isPlain(v, ['lang', 'text']);
const isOpaque = (v: unknown): v is IppOpaque => isPlain(v, ['tag', 'bytes']) && v.bytes instanceof Uint8Array;

/** The tag a value is written with: its own for out-of-band, with-language and opaque values, else the attribute's. */
function valueTag(attrTag: number, v: IppValue): number {
  if (isOutOfBand(v)) {
    const e = Object.entries(OUT_OF_BAND).find(([, n]) => n === v.outOfBand);
    if (!e) throw new RangeError(`IPP: unknown out-of-band value ${String(v.outOfBand)}`);
    return Number(e[0]);
  }
  if (isWithLanguage(v) && attrTag !== TAG.textWithLanguage && attrTag !== TAG.nameWithLanguage) {
    return attrTag === TAG.nameWithoutLanguage ? TAG.nameWithLanguage : TAG.textWithLanguage;
  }
  if (isOpaque(v)) return v.tag;
  return attrTag;
}

function encodeDateTime(d: Date): Uint8Array {
  if (Number.isNaN(d.getTime())) throw new RangeError('IPP dateTime: invalid Date');
  const b = new Uint8Array(11);
  const y = d.getUTCFullYear();
  b.set([y >>> 8, y & 0xff, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), Math.floor(d.getUTCMilliseconds() / 100), 0x2b, 0, 0]);
  return b;
}

function valueBytes(tag: number, v: IppValue, name: string): Uint8Array {
  const w = new Writer();
  if (tag >= 0x10 && tag <= 0x1f) return new Uint8Array(0);
  switch (tag) {
    case TAG.integer:
    case TAG.enum:
      w.i32(int32(v, name));
      return w.result();
    case TAG.boolean:
      if (typeof v !== 'boolean') throw new RangeError(`IPP ${name}: boolean expected`);
      return Uint8Array.of(v ? 1 : 0);
    case TAG.dateTime:
      if (!(v instanceof Date)) throw new RangeError(`IPP ${name}: Date expected`);
      return encodeDateTime(v);
    case TAG.resolution: {
      const r = v as IppResolution;
      w.i32(int32(r.x, name));
      w.i32(int32(r.y, name));
      w.u8(r.units === 'dpi' ? 3 : r.units === 'dpcm' ? 4 : r.units);
      return w.result();
    }
    case TAG.rangeOfInteger: {
      const r = v as IppRange;
      w.i32(int32(r.lower, name));
      w.i32(int32(r.upper, name));
      return w.result();
    }
    case TAG.textWithLanguage:
    case TAG.nameWithLanguage: {
      const s = v as IppStringWithLanguage;
      w.field(utf8e.encode(s.lang), `${name} language`);
      w.field(utf8e.encode(s.text), `${name} value`);
      return w.result();
    }
    case TAG.octetString:
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'string') return utf8e.encode(v);
      throw new RangeError(`IPP ${name}: bytes expected`);
    default:
      if (typeof v === 'string') return utf8e.encode(v);
      if (isOpaque(v)) return v.bytes;
      throw new RangeError(`IPP ${name}: cannot encode a ${typeof v} with tag 0x${tag.toString(16)}`);
  }
}

function writeValue(w: Writer, name: string, attrTag: number, v: IppValue, depth: number): void {
  const tag = valueTag(attrTag, v);
  w.u8(tag);
  w.field(utf8e.encode(name), 'attribute name');
  if (tag === TAG.begCollection) {
    if (depth > MAX_DEPTH) throw new RangeError(`IPP ${name}: collections nested deeper than ${MAX_DEPTH}`);
    w.u16(0);
    const c = v as IppCollection;
    for (const member of Object.keys(c)) {
      w.u8(TAG.memberAttrName);
      w.u16(0);
      w.field(utf8e.encode(member), 'member name');
      const vals = c[member]!;
      for (const mv of vals) writeValue(w, '', memberTag(mv), mv, depth + 1);
    }
    w.u8(TAG.endCollection);
    w.u16(0);
    w.u16(0);
    return;
  }
  w.field(valueBytes(tag, v, name), `${name} value`);
}

/**
 * The natural tag of a JS value inside a collection (where no attribute tag is given): strings are
 * keywords, numbers integers; a nested collection is an object with a null prototype (as decoded).
 */
function memberTag(v: IppValue): number {
  if (typeof v === 'number') return TAG.integer;
  if (typeof v === 'boolean') return TAG.boolean;
  if (typeof v === 'string') return TAG.keyword;
  if (v instanceof Uint8Array) return TAG.octetString;
  if (v instanceof Date) return TAG.dateTime;
  if (isOutOfBand(v)) return TAG.noValue;
  if (isWithLanguage(v)) return TAG.textWithLanguage;
  if (isOpaque(v)) return v.tag;
  if (isPlain(v, ['x', 'y', 'units'])) return TAG.resolution;
  if (isPlain(v, ['lower', 'upper'])) return TAG.rangeOfInteger;
  return TAG.begCollection;
}

/** Encode a whole message (request or response): header, groups, end-of-attributes, data. */
export function encodeMessage(m: IppMessage): Uint8Array {
  const w = new Writer();
  w.u8(m.version[0]);
  w.u8(m.version[1]);
  if (!Number.isInteger(m.code) || m.code < 0 || m.code > 0xffff) throw new RangeError(`IPP operation/status code ${m.code} out of range`);
  w.u16(m.code);
  w.i32(int32(m.requestId, 'request-id'));
  for (const g of m.groups) {
    w.u8(g.tag);
    for (const a of g.attributes) {
      if (a.name.length === 0) throw new RangeError('IPP attribute without a name');
      if (a.values.length === 0) throw new RangeError(`IPP ${a.name}: no values`);
      a.values.forEach((v, i) => writeValue(w, i === 0 ? a.name : '', a.tag, v, 1));
    }
  }
  w.u8(END_OF_ATTRIBUTES);
  if (m.data) w.bytes(m.data);
  return w.result();
}

export type WhichJobs = 'not-completed' | 'completed' | 'all';

export interface IppRequestSpec {
  /** '2.0' (default) or '1.1' for old printers. */
  version?: '2.0' | '1.1';
  operationId: number;
  requestId: number;
  printerUri: string;
  requestingUserName?: string | null;
  whichJobs?: WhichJobs | null;
  requestedAttributes?: string[] | null;
  limit?: number | null;
  /** Further operation attributes, written after these. */
  extra?: IppAttribute[];
}

/**
 * A request with its operation attributes in the order RFC 8011 §4.1.4 requires: attributes-charset
 * (utf-8), attributes-natural-language (en), then the target (printer-uri), then the rest.
 */
export function encodeRequest(spec: IppRequestSpec): Uint8Array {
  const attrs: IppAttribute[] = [
    { name: 'attributes-charset', tag: TAG.charset, values: ['utf-8'] },
    { name: 'attributes-natural-language', tag: TAG.naturalLanguage, values: ['en'] },
    { name: 'printer-uri', tag: TAG.uri, values: [spec.printerUri] },
  ];
  if (spec.requestingUserName) attrs.push({ name: 'requesting-user-name', tag: TAG.nameWithoutLanguage, values: [spec.requestingUserName] });
  if (spec.limit != null) attrs.push({ name: 'limit', tag: TAG.integer, values: [spec.limit] });
  if (spec.whichJobs) attrs.push({ name: 'which-jobs', tag: TAG.keyword, values: [spec.whichJobs] });
  if (spec.requestedAttributes?.length) attrs.push({ name: 'requested-attributes', tag: TAG.keyword, values: spec.requestedAttributes });
  if (spec.extra) attrs.push(...spec.extra);
  return encodeMessage({
    version: spec.version === '1.1' ? [1, 1] : [2, 0],
    code: spec.operationId,
    requestId: spec.requestId,
    groups: [{ name: 'operation', tag: GROUP_TAGS.operation, attributes: attrs }],
  });
}
