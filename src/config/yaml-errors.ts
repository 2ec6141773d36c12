// YAML syntax errors as `file:line:col: YAML syntax: what (hint)`: the parser's message without its own
// "at line L, column C:" tail (which left a dangling colon), one error per line (one cause often yields
// several), and a hint where the cause is known.
import type { YAMLError } from 'yaml';

function hintFor(e: YAMLError, sourceLine: string): string | null {
  // `community: ${VAR}` inside `{ … }`: `{` after `$` opens a flow mapping in YAML
  if (e.code === 'UNEXPECTED_TOKEN' && sourceLine.includes('${')) return 'quote ${…} inside { }: write "${VAR}"';
  if (e.code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs';
  if (e.code === 'MISSING_CHAR' && /quote/i.test(e.message)) return 'close the quote on the same line';
  if (e.code === 'DUPLICATE_KEY') return 'each key may appear once in a block';
  if (e.code === 'BLOCK_AS_IMPLICIT_KEY') return 'quote a value that contains ": "';
  if (e.code === 'BAD_INDENT' && /flow sequence/i.test(e.message)) return 'close the [ with ] (or write one item per line with "- ")';
  return null;
}

export function formatYamlErrors(file: string, text: string, errors: readonly YAMLError[]): string[] {
  const lines = text.split('\n');
  const seen = new Set<number>();
  const out: string[] = [];
  for (const e of errors) {
    const lp = e.linePos?.[0];
    if (lp && seen.has(lp.line)) continue;
    if (lp) seen.add(lp.line);
    const what = e.message.split('\n')[0].replace(/\s+at line \d+, column \d+:?\s*$/, '').replace(/[\s:]+$/, '');
    const hint = hintFor(e, lp ? (lines[lp.line - 1] ?? '') : '');
    out.push(`${file}:${lp ? `${lp.line}:${lp.col}` : '?'}: YAML syntax: ${what}${hint ? ` (${hint})` : ''}`);
  }
  return out;
}
