// The one table `npm run bench` ends with: each row a simplemon figure beside its reference, measured
// side by side in the same run (medians of interleaved runs), their ratio, the peak RSS, and the target.
//
// A bench part returns its report lines with `lines.table = [row(...), …]`; bench/run.mjs prints every
// part's lines, then one markdown table of all the rows.

/**
 * One row. `ours` and `ref` are { ms, rssMB? } (ref may be null when the row is an absolute budget, e.g.
 * state load + save ≤ 100 ms). `target` is { ratio } (ours.ms ≤ ratio × ref.ms), { ms } (ours.ms ≤ ms),
 * and/or { rssMB } (ours.rssMB ≤ rssMB).
 */
export function row({ work, ours, refName = null, ref = null, target = {}, note = '' }) {
  const ratio = ref && ref.ms ? ours.ms / ref.ms : null;
  const checks = [];
  if (target.ratio != null) checks.push(ratio != null && ratio <= target.ratio);
  if (target.ms != null) checks.push(ours.ms <= target.ms);
  if (target.rssMB != null) checks.push(ours.rssMB != null && ours.rssMB <= target.rssMB);
  return { work, ours, refName, ref, ratio, target, met: checks.length ? checks.every(Boolean) : null, note };
}

const fmtMs = (ms) => (ms == null ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
const fmtMB = (mb) => (mb == null ? '–' : `${mb.toFixed(0)} MB`);
const cell = (s) => String(s).replace(/\|/g, '\\|');

function targetText(t) {
  const parts = [];
  if (t.ratio != null) parts.push(`≤ ${t.ratio}×`);
  if (t.ms != null) parts.push(`≤ ${fmtMs(t.ms)}`);
  if (t.rssMB != null) parts.push(`RSS ≤ ${t.rssMB} MB`);
  return parts.join(', ') || '–';
}

/** The markdown table of all rows. */
export function markdownTable(rows) {
  const head = ['work', 'simplemon', 'reference', 'ratio', 'peak RSS (simplemon / reference)', 'target', 'met'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const ref = r.ref ? `${r.refName ?? 'reference'}: ${fmtMs(r.ref.ms)}` : (r.refName ?? '–');
    const rss = r.ref && r.ref.rssMB != null ? `${fmtMB(r.ours.rssMB)} / ${fmtMB(r.ref.rssMB)}` : fmtMB(r.ours.rssMB);
    const met = r.met == null ? '–' : r.met ? 'yes' : 'no';
    lines.push(`| ${[r.work + (r.note ? ` (${r.note})` : ''), fmtMs(r.ours.ms), ref, r.ratio == null ? '–' : `${r.ratio.toFixed(2)}×`, rss, targetText(r.target), met].map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}
