// The progress of a poll as one short line for a terminal: `printers 120/200, vCenter vc1 2 pages`.
// Sources report through CollectContext.progress; this keeps the latest count per label, in the order
// the labels first appeared (so the line does not jump about while it updates).

export interface ProgressCount {
  done: number;
  total: number | null;
  unit?: string;
}

/** One label's count: `printers 120/200`, `vCenter vc1 2 pages` (total unknown), `vCenter vc1 1 page`. */
export function progressPart(label: string, p: ProgressCount): string {
  const count = p.total === null ? String(p.done) : `${p.done}/${p.total}`;
  return `${label} ${count}${p.unit ? ` ${p.unit}` : ''}`;
}

/** All labels, comma-separated; '' before any source reported. */
export function progressText(counts: ReadonlyMap<string, ProgressCount>): string {
  return [...counts].map(([label, p]) => progressPart(label, p)).join(', ');
}

/** A tracker for one poll: `report` is the hook handed to the sources, `text()` the line so far. */
export function progressTracker(onChange?: (text: string) => void): {
  report: (done: number, total: number | null, label: string, unit?: string) => void;
  text: () => string;
} {
  const counts = new Map<string, ProgressCount>();
  return {
    report(done, total, label, unit) {
      counts.set(label, { done, total, unit });
      onChange?.(progressText(counts));
    },
    text: () => progressText(counts),
  };
}
