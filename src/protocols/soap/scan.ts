// PURE: the reader for the one big answer of a poll, a page of RetrievePropertiesEx or
// ContinueRetrievePropertiesEx (RetrieveResult: an optional token, then ObjectContent elements).
//
// Why a scanner of our own rather than a library: a page is ~2.7 MB for 1,000 VMs, and what the
// vCenter source keeps of it is a few dozen values per object. Generic readers either build the whole
// document as objects first (a tree of every element, then mapped and dropped: the garbage is what made
// the old poll spend 155 ms in GC) or hand every tag, attribute and text to callbacks as strings, on
// top of which the object building would still have to be written. Measured on a recorded 1,000-VM
// simulator page (node 20, this 2-core machine, medians of 7): this scanner, values and objects
// included, 15–19 ms; saxes 29.5 ms and htmlparser2 (xmlMode) 38 ms to tokenise alone; sax 115 ms;
// txml 52 ms and fast-xml-parser 270 ms to build their trees; the old generic reader (xml.ts) 41 ms.
// None of them is a dependency here now (sax only comes with the soap package). The scanner reads
// only this one, well-known shape and lets the caller turn each object into its compact reading at
// once, so that no page-sized tree ever exists; every other answer (faults, the small answers of other
// methods) goes through the generic reader in xml.ts.
//
// What it handles, as real vCenter and the simulator write it: namespace prefixes on any element (names
// are matched by local name), the type attribute of faults by namespace (xsi:type, or any prefix bound
// to http://www.w3.org/2001/XMLSchema-instance, such as the simulator's XMLSchema-instance:type),
// entities and character references, CDATA, comments and processing instructions, self-closing
// elements, '>' inside quoted attribute values, arrays of one element (a bare value; the mapping's
// toArray/arrayOf normalise), elements in any order within an object. Malformed input throws.
import { decodeEntities } from './xml.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
/** Nesting deeper than this inside one property value is refused (hostile input, not vSphere). */
const MAX_DEPTH = 64;

/** A property value: text, an element's children by local name (repeated → array), or nothing. */
export type Value = string | ValueObject | Value[] | null;
export interface ValueObject {
  [name: string]: Value | undefined;
}

/** One ObjectContent of a page. */
export interface ObjectContent {
  /** The managed object's type (`HostSystem`) and reference (`host-21`). */
  type: string;
  moref: string;
  /** Property path → value. Typed scalars are their text; complex values keep only their elements. */
  props: Record<string, Value>;
  /** Paths the server could not read, with the fault's type (NoPermission, NotAuthenticated …). */
  missing: Array<{ path: string; fault: string | null }>;
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

/**
 * A copy of `s` that does not keep the page alive: V8 makes substrings of 13 characters and more
 * "sliced strings" that reference the whole page, and a reading kept until the state is written would
 * otherwise hold every 2.7 MB page of the poll. The concatenation is flattened into a small string of
 * its own by slice().
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * Element names and property paths, shared across pages: each is used as an object key, and a key
 * freshly cut from the page costs a string-table lookup on every use, while a string already used as a
 * key is found by identity. A small direct-mapped table, checked character by character.
 */
const NAMES: Array<string | undefined> = new Array(2048);

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

class Scanner {
  pos = 0;
  // the last start tag read by startTag(): qualified name [qs, qe), local name from ls, '>' at gt
  qs = 0;
  qe = 0;
  ls = 0;
  gt = 0;
  empty = false;
  /** In-scope namespace declarations (prefix, namespace), innermost last. */
  private bindings: Array<[string, string]> = [];

  constructor(readonly x: string) {}

  /** Read the start tag at `lt` ('<' followed by a name). */
  startTag(lt: number): void {
    const x = this.x;
    const n = x.length;
    let j = lt + 1;
    let ls = j;
    for (; j < n; j++) {
      const c = x.charCodeAt(j);
      if (c === 62 || c === 47 || isSpace(c)) break;
      if (c === 58 /* : */) ls = j + 1;
    }
    if (j >= n) throw new XmlError('unterminated start tag');
    this.qs = lt + 1;
    this.qe = j;
    this.ls = ls;
    // to the closing '>', stepping over quoted attribute values (which may hold '>')
    for (; j < n; j++) {
      const c = x.charCodeAt(j);
      if (c === 62) break;
      if (c === 34 || c === 39) {
        const q = x.indexOf(c === 34 ? '"' : "'", j + 1);
        if (q < 0) throw new XmlError('unterminated start tag');
        j = q;
      }
    }
    if (j >= n) throw new XmlError('unterminated start tag');
    this.gt = j;
    this.empty = x.charCodeAt(j - 1) === 47;
  }

  /** The local name of the last start tag. */
  localName(): string {
    return this.name(this.ls, this.qe);
  }

  /** The text [a, b) as a name (interned in NAMES). */
  name(a: number, b: number): string {
    const x = this.x;
    const len = b - a;
    if (len <= 0) return '';
    const h = (len * 31 + x.charCodeAt(a) * 7 + x.charCodeAt(b - 1) * 131 + x.charCodeAt(a + (len >> 1)) * 17) & 2047;
    const cached = NAMES[h];
    if (cached !== undefined && cached.length === len) {
      let k = 0;
      while (k < len && cached.charCodeAt(k) === x.charCodeAt(a + k)) k++;
      if (k === len) return cached;
    }
    const fresh = own(x.slice(a, b));
    NAMES[h] = fresh;
    return fresh;
  }

  isLocal(name: string): boolean {
    const ls = this.ls;
    if (this.qe - ls !== name.length) return false;
    const x = this.x;
    for (let k = 0; k < name.length; k++) if (x.charCodeAt(ls + k) !== name.charCodeAt(k)) return false;
    return true;
  }

  /** The attributes of the last start tag as [qualified name, decoded value] pairs. */
  attributes(): Array<[string, string]> {
    const x = this.x;
    const end = this.empty ? this.gt - 1 : this.gt;
    const out: Array<[string, string]> = [];
    let j = this.qe;
    while (j < end) {
      while (j < end && isSpace(x.charCodeAt(j))) j++;
      if (j >= end) break;
      const eq = x.indexOf('=', j);
      if (eq < 0 || eq >= end) throw new XmlError('malformed attribute');
      const name = x.slice(j, eq).trim();
      let v = eq + 1;
      while (v < end && isSpace(x.charCodeAt(v))) v++;
      const quote = x.charCodeAt(v);
      if (quote !== 34 && quote !== 39) throw new XmlError('malformed attribute');
      const close = x.indexOf(quote === 34 ? '"' : "'", v + 1);
      if (close < 0 || close >= end) throw new XmlError('malformed attribute');
      out.push([name, own(decodeEntities(x.slice(v + 1, close)))]);
      j = close + 1;
    }
    return out;
  }

  /** Take the namespace declarations among `attrs` into scope; returns the mark to undeclare() to. */
  declare(attrs: Array<[string, string]>): number {
    const mark = this.bindings.length;
    for (const [name, value] of attrs) if (name.startsWith('xmlns:')) this.bindings.push([name.slice(6), value]);
    return mark;
  }

  undeclare(mark: number): void {
    this.bindings.length = mark;
  }

  /** Is `prefix` bound to the XSI namespace here (its innermost declaration)? */
  private isXsi(prefix: string): boolean {
    for (let k = this.bindings.length - 1; k >= 0; k--) if (this.bindings[k][0] === prefix) return this.bindings[k][1] === XSI;
    return false;
  }

  /** The XSI type named in the attributes (local part of its QName), else null. */
  xsiType(attrs: Array<[string, string]>): string | null {
    for (const [name, value] of attrs) {
      const colon = name.indexOf(':');
      if (colon < 0 || name.slice(colon + 1) !== 'type') continue;
      if (!this.isXsi(name.slice(0, colon))) continue;
      const v = value.trim();
      const c = v.indexOf(':');
      return c < 0 ? v : v.slice(c + 1);
    }
    return null;
  }

  /** Check the end tag at `lt` ('</') against the element opened with [qs, qe); sets pos after it. */
  endTag(lt: number, qs: number, qe: number): void {
    const x = this.x;
    const len = qe - qs;
    const at = lt + 2;
    let k = 0;
    while (k < len && x.charCodeAt(at + k) === x.charCodeAt(qs + k)) k++;
    let gt = at + len;
    if (k === len) {
      let c = x.charCodeAt(gt);
      while (c !== 62 && isSpace(c)) c = x.charCodeAt(++gt);
      if (c === 62) {
        this.pos = gt + 1;
        return;
      }
    }
    gt = x.indexOf('>', at);
    if (gt < 0) throw new XmlError('unterminated end tag');
    throw new XmlError(`mismatched end tag </${x.slice(at, gt).trim()}>`);
  }

  /**
   * Step over markup that is not an element at `lt` (comment, processing instruction, declaration);
   * CDATA is left to the caller. Returns the position after it.
   */
  skipMarkup(lt: number): number {
    const x = this.x;
    if (x.startsWith('<!--', lt)) {
      const end = x.indexOf('-->', lt + 4);
      if (end < 0) throw new XmlError('unterminated comment');
      return end + 3;
    }
    if (x.charCodeAt(lt + 1) === 63) {
      const end = x.indexOf('?>', lt + 2);
      if (end < 0) throw new XmlError('unterminated processing instruction');
      return end + 2;
    }
    const end = x.indexOf('>', lt);
    if (end < 0) throw new XmlError('unterminated declaration');
    return end + 1;
  }

  /**
   * The next child of the element [qs, qe) from `i`: true with the start tag read (startTag), or false
   * at the element's end tag (pos after it). Text between children is skipped.
   */
  nextChild(i: number, qs: number, qe: number): boolean {
    const x = this.x;
    for (;;) {
      const lt = x.indexOf('<', i);
      if (lt < 0) throw new XmlError(`unterminated element <${x.slice(qs, qe).replace(/^.*:/, '')}>`);
      const c = x.charCodeAt(lt + 1);
      if (c === 47) {
        this.endTag(lt, qs, qe);
        return false;
      }
      if (c === 33 || c === 63) {
        if (x.startsWith('<![CDATA[', lt)) {
          const end = x.indexOf(']]>', lt + 9);
          if (end < 0) throw new XmlError('unterminated CDATA');
          i = end + 3;
        } else i = this.skipMarkup(lt);
        continue;
      }
      this.startTag(lt);
      return true;
    }
  }

  /**
   * The content of the element whose start tag was just read (startTag), as a Value; pos after its
   * end tag. With `typed`, elements that carry an XSI type keep it as `attributes['xsi:type']` (the
   * shape map.ts's typeOf reads); otherwise attributes are not even parsed.
   */
  value(typed: boolean, depth = 0): Value {
    const qs = this.qs;
    const qe = this.qe;
    let mark = -1;
    let type: string | null = null;
    if (typed && this.gt > this.qe + (this.empty ? 1 : 0)) {
      const attrs = this.attributes();
      mark = this.declare(attrs);
      type = this.xsiType(attrs);
    }
    let v: Value;
    if (this.empty) {
      this.pos = this.gt + 1;
      v = '';
    } else v = this.content(this.gt + 1, qs, qe, typed, depth);
    if (mark >= 0) this.undeclare(mark);
    if (type === null) return v;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      (v as Record<string, unknown>).attributes = { 'xsi:type': type };
      return v;
    }
    return { attributes: { 'xsi:type': type }, $value: v } as unknown as ValueObject;
  }

  private content(i: number, qs: number, qe: number, typed: boolean, depth: number): Value {
    if (depth > MAX_DEPTH) throw new XmlError('elements nested too deep');
    const x = this.x;
    let obj: ValueObject | null = null;
    let text = '';
    let entities = false;
    for (;;) {
      const lt = x.indexOf('<', i);
      if (lt < 0) throw new XmlError(`unterminated element <${x.slice(qs, qe).replace(/^.*:/, '')}>`);
      if (obj === null && lt > i) text += x.slice(i, lt);
      const c = x.charCodeAt(lt + 1);
      if (c === 47 /* / */) {
        this.endTag(lt, qs, qe);
        if (obj !== null) return obj;
        if (entities || text.indexOf('&') >= 0) return own(decodeEntities(text));
        return own(text);
      }
      if (c === 33 /* ! */ || c === 63 /* ? */) {
        if (x.startsWith('<![CDATA[', lt)) {
          const end = x.indexOf(']]>', lt + 9);
          if (end < 0) throw new XmlError('unterminated CDATA');
          // literal text: escape '&' so that the entity decoding at the end leaves it as it is
          if (obj === null) {
            text += x.slice(lt + 9, end).replace(/&/g, '&amp;');
            entities = true;
          }
          i = end + 3;
        } else i = this.skipMarkup(lt);
        continue;
      }
      this.startTag(lt);
      const name = this.localName();
      const v = this.value(typed, depth + 1);
      i = this.pos;
      if (obj === null) {
        obj = {};
        text = '';
      }
      const prev = obj[name];
      if (prev === undefined) obj[name] = v;
      else if (Array.isArray(prev)) prev.push(v);
      else obj[name] = [prev, v];
    }
  }

  /** Skip the element whose start tag was just read, building nothing (its content is still checked). */
  skip(depth = 0): void {
    if (this.empty) {
      this.pos = this.gt + 1;
      return;
    }
    if (depth > MAX_DEPTH) throw new XmlError('elements nested too deep');
    const qs = this.qs;
    const qe = this.qe;
    let i = this.gt + 1;
    while (this.nextChild(i, qs, qe)) {
      this.skip(depth + 1);
      i = this.pos;
    }
  }

  /** The text of a leaf element whose start tag was just read ('' for an element with children). */
  text(): string {
    const v = this.value(false);
    return typeof v === 'string' ? v : '';
  }

  /** Like text(), interned (for property paths, which are object keys). */
  nameText(): string {
    if (!this.empty) {
      const x = this.x;
      const a = this.gt + 1;
      const lt = x.indexOf('<', a);
      if (lt > 0 && x.charCodeAt(lt + 1) === 47) {
        let k = a;
        while (k < lt && x.charCodeAt(k) !== 38 /* & */) k++;
        if (k === lt) {
          const qs = this.qs;
          this.endTag(lt, qs, this.qe);
          return this.name(a, lt);
        }
      }
    }
    return this.text();
  }

  /** Enter the document element; it must be a SOAP Envelope. */
  envelope(): void {
    const x = this.x;
    let i = x.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (;;) {
      const lt = x.indexOf('<', i);
      if (lt < 0) throw new XmlError('no SOAP Envelope');
      const c = x.charCodeAt(lt + 1);
      if (c === 33 || c === 63) {
        i = this.skipMarkup(lt);
        continue;
      }
      this.startTag(lt);
      if (!this.isLocal('Envelope') || this.empty) throw new XmlError('no SOAP Envelope');
      this.declare(this.attributes());
      return;
    }
  }

  /**
   * From the Envelope to the children of the RetrieveResult: reads Envelope → Body → the response →
   * returnval, calling `child` for each child of returnval (with its start tag read; it must consume
   * the element). Returns false when the answer has no returnval (an empty result).
   */
  retrieveResult(child: () => void): boolean {
    this.envelope();
    let qs = this.qs;
    let qe = this.qe;
    let i = this.gt + 1;
    // Envelope → Body (a Header is skipped)
    for (;;) {
      if (!this.nextChild(i, qs, qe)) throw new XmlError('no SOAP Body');
      if (this.isLocal('Body')) break;
      this.skip();
      i = this.pos;
    }
    if (this.empty) throw new XmlError('empty SOAP Body');
    this.declare(this.attributes());
    qs = this.qs;
    qe = this.qe;
    if (!this.nextChild(this.gt + 1, qs, qe)) throw new XmlError('empty SOAP Body');
    const what = this.localName();
    if (what === 'Fault') throw new XmlError('a SOAP fault, not a RetrieveResult');
    if (what !== 'RetrievePropertiesExResponse' && what !== 'ContinueRetrievePropertiesExResponse') throw new XmlError(`unexpected answer <${what}>`);
    if (this.empty) return false;
    this.declare(this.attributes());
    qs = this.qs;
    qe = this.qe;
    i = this.gt + 1;
    let found = false;
    while (this.nextChild(i, qs, qe)) {
      if (!this.isLocal('returnval') || found) {
        this.skip();
        i = this.pos;
        continue;
      }
      found = true;
      if (this.empty) {
        i = this.gt + 1;
        continue;
      }
      const mark = this.declare(this.attributes());
      const rs = this.qs;
      const re = this.qe;
      let j = this.gt + 1;
      while (this.nextChild(j, rs, re)) {
        child();
        j = this.pos;
      }
      this.undeclare(mark);
      i = this.pos;
    }
    return found;
  }

  /** One ObjectContent (its start tag just read). */
  objectContent(): ObjectContent {
    const oc: ObjectContent = { type: '', moref: '', props: {}, missing: [] };
    if (this.empty) {
      this.pos = this.gt + 1;
      return oc;
    }
    const hasAttrs = this.gt > this.qe;
    const mark = hasAttrs ? this.declare(this.attributes()) : -1;
    const qs = this.qs;
    const qe = this.qe;
    let i = this.gt + 1;
    while (this.nextChild(i, qs, qe)) {
      if (this.isLocal('propSet')) this.propSet(oc);
      else if (this.isLocal('obj')) {
        for (const [k, v] of this.attributes()) if (k === 'type') oc.type = v;
        oc.moref = this.text();
      } else if (this.isLocal('missingSet')) {
        const m = this.value(true);
        oc.missing.push(missingEntry(m));
      } else this.skip();
      i = this.pos;
    }
    if (mark >= 0) this.undeclare(mark);
    return oc;
  }

  private propSet(oc: ObjectContent): void {
    if (this.empty) {
      this.pos = this.gt + 1;
      return;
    }
    const qs = this.qs;
    const qe = this.qe;
    let name: string | null = null;
    let val: Value = null;
    let i = this.gt + 1;
    while (this.nextChild(i, qs, qe)) {
      if (this.isLocal('val')) {
        val = this.value(false);
        // an empty value (<val xsi:type="ArrayOfGuestNicInfo"/>, an empty string) is no value
        if (val === '') val = null;
      } else if (this.isLocal('name')) name = this.nameText();
      else this.skip();
      i = this.pos;
    }
    if (name) oc.props[name] = val;
  }
}

/** `{ path, fault: LocalizedMethodFault }` → { path, fault type }. */
function missingEntry(m: Value): { path: string; fault: string | null } {
  const o = m !== null && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
  const path = typeof o.path === 'string' ? o.path : '';
  const lmf = o.fault as Record<string, unknown> | undefined;
  const f = lmf && typeof lmf === 'object' ? (lmf.fault as Record<string, unknown> | undefined) : undefined;
  let fault: string | null = null;
  if (f && typeof f === 'object') {
    const t = (f.attributes as Record<string, string> | undefined)?.['xsi:type'];
    fault = t ?? Object.keys(f).find((k) => k !== 'attributes' && k !== '$value') ?? null;
  }
  return { path, fault };
}

/**
 * Read one page: every ObjectContent goes to `onObject` as soon as it is read (so that the caller can
 * keep only its compact reading); returns the page's token (null on the last page). Throws XmlError on
 * malformed input or an answer that is not a RetrieveResult.
 */
export function readRetrievePage(xml: string, onObject: (oc: ObjectContent) => void): string | null {
  const s = new Scanner(xml);
  let token: string | null = null;
  s.retrieveResult(() => {
    if (s.isLocal('objects')) onObject(s.objectContent());
    else if (s.isLocal('token')) token = s.text().trim() || null;
    else s.skip();
  });
  return token;
}

/**
 * The page's token, found without reading the page: vCenter writes RetrieveResult in schema order,
 * the token first, so it is the first child of returnval. Returns the token, null when the page has
 * none (returnval's first child is an object and its last child is one too, or there is no returnval),
 * or undefined when that cannot be told cheaply (then the full read decides). Only a token that is a
 * child of returnval counts: a `token` element inside a property value is not the page's.
 */
export function pageToken(xml: string): string | null | undefined {
  const s = new Scanner(xml);
  let result: string | null | undefined = undefined;
  try {
    s.retrieveResult(() => {
      if (s.isLocal('token')) result = s.text().trim() || null;
      else if (s.isLocal('objects')) result = lastChildIsObjects(xml) ? null : undefined;
      // stop at the first child: the rest of the page is the full read's business
      throw STOP;
    });
    return null; // no returnval, or an empty one: no token
  } catch (e) {
    if (e === STOP) return result;
    return undefined; // malformed: the full read will say how
  }
}

const STOP = new Error('stop');

/**
 * Does returnval end with an ObjectContent (so no token follows the objects)? Looks backwards from the
 * end of the document over the end tags of returnval, the response, Body and Envelope.
 */
function lastChildIsObjects(xml: string): boolean {
  let p = xml.length;
  const expect = ['Envelope', 'Body', '*', 'returnval'];
  for (const want of expect) {
    const lt = xml.lastIndexOf('</', p - 1);
    if (lt < 0) return false;
    const gt = xml.indexOf('>', lt);
    if (gt < 0 || xml.slice(gt + 1, p).trim() !== '') return false;
    const name = xml.slice(lt + 2, gt).trim().replace(/^.*:/, '');
    if (want !== '*' && name !== want) return false;
    p = lt;
  }
  const lt = xml.lastIndexOf('</', p - 1);
  if (lt < 0) return false;
  const gt = xml.indexOf('>', lt);
  if (gt < 0 || xml.slice(gt + 1, p).trim() !== '') return false;
  return xml.slice(lt + 2, gt).trim().replace(/^.*:/, '') === 'objects';
}
