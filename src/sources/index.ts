// SOURCES: the only list of sources. Adding a source is one folder under src/sources/ and one line here.
// Each entry is light: its protocol library loads only inside collect().
import type { DeviceKind } from '../core/types.js';
import type { RuleDef } from '../core/rule.js';
import type { KindSpec, Source } from './types.js';
import { vcenterSource } from './vcenter/index.js';
import { printerSource } from './printers/index.js';
import { serviceSource } from './services/index.js';

export const SOURCES: readonly Source[] = [vcenterSource, printerSource, serviceSource];

/** Every kind, in the order status shows them. */
export const KIND_SPECS: readonly KindSpec[] = SOURCES.flatMap((s) => s.kinds);
export const KINDS: readonly DeviceKind[] = KIND_SPECS.map((k) => k.kind);

const BY_KIND = new Map(KIND_SPECS.map((k) => [k.kind, k]));

export function kindSpec(kind: DeviceKind): KindSpec | undefined {
  return BY_KIND.get(kind);
}

/** A kind's rules, `reachable` first (none for a kind no source declares). */
export function rulesFor(kind: DeviceKind): readonly RuleDef[] {
  return BY_KIND.get(kind)?.rules ?? [];
}

/** The kind a word of `poll`/`status` names (`printers`, `printer`, `vms` …), or undefined. */
export function kindOfWord(word: string): DeviceKind | undefined {
  return KIND_SPECS.find((k) => k.words.includes(word))?.kind;
}

/** The words `poll` and `status` accept, plural forms first. */
export function kindWords(): string[] {
  return KIND_SPECS.map((k) => k.words[0]);
}

export function sourceOfKind(kind: DeviceKind): Source | undefined {
  return SOURCES.find((s) => s.kinds.some((k) => k.kind === kind));
}
