// PURE: vim25 request bodies, written by hand. simplemon sends eight fixed requests (RetrieveServiceContent,
// Login, Logout, CreateContainerView, DestroyView, RetrievePropertiesEx, ContinueRetrievePropertiesEx,
// QueryPerf); each is a few elements in schema order (real vCenter checks the order, the simulator does
// not). Every text and attribute value is escaped here.

export const VIM25 = 'urn:vim25';
/** The API version the requests are written against (SOAPAction); vCenter answers in its shapes. */
export const VIM_VERSION = '7.0';

/** A managed object reference, in the shape kept in the state file (`{ attributes: { type }, $value }`). */
export interface Mor {
  attributes: { type: string };
  $value: string;
}

export function mor(type: string, value: string): Mor {
  return { attributes: { type }, $value: value };
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text or attribute value, escaped. */
export function esc(s: string): string {
  return /[&<>"']/.test(s) ? s.replace(/[&<>"']/g, (c) => ESC[c]) : s;
}

/** `<name>text</name>` */
export function el(name: string, text: string | number | boolean): string {
  return `<${name}>${esc(String(text))}</${name}>`;
}

/** `<name type="T">value</name>` for a managed object reference. */
export function morEl(name: string, m: Mor): string {
  return `<${name} type="${esc(m.attributes.type)}">${esc(m.$value)}</${name}>`;
}

/**
 * The whole SOAP envelope of one method call; `inner` is the method's parameters after `_this`, in
 * schema order. xsi and the vim25 prefix are declared for the xsi:type of polymorphic parameters
 * (TraversalSpec inside selectSet).
 */
export function envelope(method: string, self: Mor, inner = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:vim25="urn:vim25">' +
    `<soapenv:Body><${method} xmlns="${VIM25}">${morEl('_this', self)}${inner}</${method}></soapenv:Body></soapenv:Envelope>`
  );
}
