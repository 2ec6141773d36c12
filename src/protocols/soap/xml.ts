// PURE: the generic XML → object reader for SOAP answers other than inventory pages (those go through
// scan.ts): faults, RetrieveServiceContent, Login, CreateContainerView, QueryPerf. It yields the soap
// package's shapes — element local names as keys, repeated elements as arrays, `{ attributes, $value }`
// where there are attributes, text as strings — which session.ts (faults) and map.ts read.

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue | Record<string, string> | undefined;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      // beyond Unicode (or absurdly long): kept as written rather than thrown (String.fromCodePoint would)
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

interface Frame {
  name: string;
  attrs: Record<string, string> | null;
  children: XmlObject | null;
  text: string;
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
}

function add(parent: Frame, name: string, value: XmlValue): void {
  const c = (parent.children ??= {});
  const prev = c[name];
  if (prev === undefined) c[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else c[name] = [prev as XmlValue, value];
}

function finish(f: Frame): XmlValue {
  if (f.children) {
    if (f.attrs) f.children.attributes = f.attrs;
    return f.children;
  }
  const text = f.text;
  if (f.attrs) {
    const o: XmlObject = { attributes: f.attrs };
    if (text !== '') o.$value = decodeEntities(text);
    return o;
  }
  return decodeEntities(text);
}

const ATTR = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parse a document; returns `{ <root local name>: value }`. Throws on malformed input. */
export function parseXml(xml: string): XmlObject {
  const top: Frame = { name: '#document', attrs: null, children: null, text: '' };
  const stack: Frame[] = [top];
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const cur = stack[stack.length - 1];
    if (lt < 0) {
      if (xml.slice(i).trim() !== '') throw new Error('text after the document element');
      break;
    }
    if (lt > i && stack.length > 1) cur.text += xml.slice(i, lt);
    const c = xml.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = xml.indexOf('>', lt);
      if (gt < 0) throw new Error('unterminated end tag');
      const name = localName(xml.slice(lt + 2, gt).trim());
      const f = stack.pop();
      if (!f || f === top || f.name !== name) throw new Error(`mismatched end tag </${name}>`);
      // text between child elements is formatting, not content
      if (f.children) f.text = '';
      add(stack[stack.length - 1], f.name, finish(f));
      i = gt + 1;
      continue;
    }
    if (c === 63 /* ? */) {
      const end = xml.indexOf('?>', lt);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (c === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt);
        if (end < 0) throw new Error('unterminated comment');
        i = end + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt);
        if (end < 0) throw new Error('unterminated CDATA');
        // CDATA is literal: protect it from entity decoding
        cur.text += xml.slice(lt + 9, end).replace(/&/g, '&amp;');
        i = end + 3;
      } else {
        const end = xml.indexOf('>', lt);
        if (end < 0) throw new Error('unterminated declaration');
        i = end + 1;
      }
      continue;
    }
    // a start tag; '>' may appear inside quoted attribute values
    let j = lt + 1;
    let quote = 0;
    for (; j < n; j++) {
      const ch = xml.charCodeAt(j);
      if (quote) {
        if (ch === quote) quote = 0;
      } else if (ch === 34 || ch === 39) quote = ch;
      else if (ch === 62 /* > */) break;
    }
    if (j >= n) throw new Error('unterminated start tag');
    const selfClosing = xml.charCodeAt(j - 1) === 47;
    const inner = xml.slice(lt + 1, selfClosing ? j - 1 : j);
    let k = 0;
    while (k < inner.length && inner.charCodeAt(k) > 32) k++;
    const name = localName(inner.slice(0, k));
    let attrs: Record<string, string> | null = null;
    if (k < inner.length) {
      ATTR.lastIndex = k;
      let m: RegExpExecArray | null;
      while ((m = ATTR.exec(inner))) {
        const key = m[1];
        if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
        (attrs ??= {})[key] = decodeEntities(m[2] ?? m[3] ?? '');
      }
    }
    const f: Frame = { name, attrs, children: null, text: '' };
    if (selfClosing) add(cur, name, finish(f));
    else stack.push(f);
    i = j + 1;
  }
  if (stack.length !== 1) throw new Error(`unterminated element <${stack[stack.length - 1].name}>`);
  return top.children ?? {};
}

const FAULT = /<(?:[A-Za-z0-9_]+:)?Fault[\s>]/;
const RESULT = /<(?:[A-Za-z0-9_]+:)?(?:Continue)?RetrievePropertiesExResponse[\s>/]/;

/** Does this look like a RetrievePropertiesEx or ContinueRetrievePropertiesEx answer (and no fault), from its head? */
export function isRetrieveResult(xml: string): boolean {
  const head = xml.slice(0, 4096);
  return RESULT.test(head) && !FAULT.test(head);
}

/** The Envelope's content (`{ Header?, Body }`), as the soap package's `xmlToObject` returns it. */
export function envelopeContent(xml: string): XmlObject {
  const doc = parseXml(xml);
  const env = doc.Envelope;
  if (!env || typeof env !== 'object' || Array.isArray(env)) throw new Error('no SOAP Envelope');
  const out = env as XmlObject;
  delete out.attributes;
  return out;
}
