// Text that comes from devices (sysName, VM names, supply descriptions) may carry terminal escape
// sequences or line breaks: nothing raw reaches a terminal.

// C0 controls (but tab), DEL, C1 controls, and the Unicode line/paragraph separators and bidi overrides
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Make a device-sourced string safe for one terminal line: control characters become visible escapes. */
export function clean(s: unknown): string {
  if (s === null || s === undefined) return '';
  return String(s).replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }).replace(/\t/g, ' ');
}

