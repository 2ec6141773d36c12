// The seam every source implements. A source owns everything about the kinds of device it produces:
// its config section, its rules and their defaults, its table columns, the numbers a device exposes,
// and the collector (which only reads the world and returns readings, lazy-loading its protocol).
// The rest of the house asks the list in ./index.ts instead of naming a kind.
import type { Config } from '../config/types.js';
import type { Ctx, YNode } from '../config/validate.js';
import type { DeviceKind, Reading } from '../core/types.js';
import type { RuleDef, RuleInput } from '../core/rule.js';
import type { DeviceRules } from '../core/evaluate.js';
import type { DeviceNumber } from '../core/numbers.js';
import type { DeviceView } from '../core/view.js';

export interface CollectContext {
  config: Config;
  now: Date;
  log: (line: string) => void;
  /**
   * This source's own memory in the state file (e.g. kept vCenter sessions), JSON-serialisable.
   * The collector may change it in place; it is saved with the state (mode 0600).
   */
  memory: Record<string, unknown>;
  /**
   * How far a long collect has got, for a terminal's progress line (`printers 120/200`). Optional:
   * a source may call it as often as it likes (it must be cheap); `total` null when not known ahead,
   * `unit` what is counted when the label does not say it (`vCenter vc1 2 pages`).
   */
  progress?: (done: number, total: number | null, label: string, unit?: string) => void;
}

export interface ConfiguredDevice {
  id: string;
  kind: DeviceKind;
  name: string;
  target: string;
}

export interface CollectResult {
  readings: Reading[];
  /** Ids of devices this source used to report that no longer exist (a VM deleted): dropped from state with an event. */
  removed?: string[];
}

/**
 * A column of a kind's status table, after the common Device and State columns. When the terminal is
 * too narrow, columns give way in the order render/layout.ts describes: the lowest `priority` is
 * dropped first, the kept ones take their `short` form, free text (`wrap`) wraps on spaces.
 */
export interface Column {
  header: string;
  value: (d: DeviceView, now: Date) => string;
  /** Left out of a table in which no device has a value for it (every cell `–`), e.g. Queue. */
  hideWhenEmpty?: boolean;
  /** 0–100, default 50: how long the column stays on a narrow terminal (Age is 65). */
  priority?: number;
  /** A shorter form for a narrow terminal: the header (`Net` for `Network rx/tx`) and/or the value. */
  short?: { header?: string; value?: (d: DeviceView, now: Date) => string };
  /** Free text that may wrap on spaces (never inside a word) rather than be dropped; `items`: a list
   * (`black 64%, cyan 41%`) wrapped after its commas, so that a label stays with its value. */
  wrap?: boolean | 'items';
  /** The narrowest a wrapping column is squeezed to (default 12; never below its longest word). */
  minWidth?: number;
}

/** Everything the house needs to know about one kind of device. */
export interface KindSpec {
  kind: DeviceKind;
  /** Table heading: `Printers`. */
  title: string;
  /** Words `poll` and `status` accept for it, plural first: `['printers', 'printer']`. */
  words: string[];
  /** Its rules, `reachable` first (built with kindRules() from core/rule.ts). */
  rules: readonly RuleDef[];
  columns: Column[];
  /** The numbers a device exposes, with the thresholds in force (`rules`: its resolved settings). */
  numbers(view: DeviceView, rules: DeviceRules): DeviceNumber[];
}

/** A top-level config section (`printers:`), parsed with the shared field parsers of config/validate.ts. */
export interface ConfigSection {
  /** The YAML key, also the key of the parsed value on Config (see SourceSections). */
  key: string;
  /** The value when the section is absent. */
  empty: () => unknown;
  /** Parse it; the network defaults are final by then. Errors go into ctx, with their path and line. */
  parse(ctx: Ctx, node: YNode, path: string, config: Config): unknown;
}

export interface Source {
  /** Source name: the key of its memory in the state file. */
  name: string;
  kinds: KindSpec[];
  section: ConfigSection;
  /** The devices this source has in the config (static devices; discovered inventory comes from state). */
  configured(config: Config): ConfiguredDevice[];
  /** Does a device id found in the state belong to something configured here (discovered inventory)? */
  owns(config: Config, id: string): boolean;
  /** A device's own rule settings from the config (a printer's `thresholds:`), keyed by rule name. */
  thresholdsFor?(config: Config, id: string): Record<string, RuleInput> | undefined;
  /** Poll. `kinds` is the subset of this source's kinds asked for. Must not throw for a device's failure. */
  collect(ctx: CollectContext, kinds: Set<DeviceKind>): Promise<CollectResult>;
}
