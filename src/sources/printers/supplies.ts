// What a supply is to a printer shop, and how it reads: toner/ink, another consumable part (drum,
// fuser, transfer unit, kits), or a receptacle that fills up (waste toner). PURE.
import type { Supply } from './metrics.js';

export type SupplyRole = 'toner' | 'part' | 'receptacle';

/** Supply types that are toner or ink (RFC 3805 PrtMarkerSuppliesTypeTC names). */
const TONER_TYPES = new Set(['toner', 'tonerCartridge', 'ink', 'inkCartridge', 'inkRibbon', 'matteToner', 'matteInk', 'solidWax', 'ribbonWax']);
/** Types that are receptacles whatever the class says (many agents send no class column at all). */
const WASTE_TYPES = new Set(['wasteToner', 'wasteInk', 'wasteWax', 'wasteWater', 'wastePaper']);
/** No type, or one that says nothing: the description decides. */
const UNTYPED = new Set([null, 'other', 'unknown']);

const RECEPTACLE_WORDS = /\b(waste|collector|receptacle|used toner)\b/;
const TONER_WORDS = /\b(toner|inks?|cartridges?)\b/;
/**
 * Words that make a "cartridge" (or even a "toner …") something else. A drum or imaging unit is sold as
 * a "Drum Cartridge" (Xerox) or "Imaging Cartridge"/"Imaging Unit" (Lexmark, Dell, Xerox): it is the
 * photoconductor, which wears by pages printed, not the toner that runs out, so it is a part.
 * A toner cartridge with a built-in drum is sold as a toner or print cartridge, and stays toner.
 */
const PART_WORDS = /\b(drums?|imaging|opc|photo ?conductor|photoconductive|fuser|fusing|transfer|maintenance|developer|roller|belt|cleaner|cleaning|staples?)\b/;

/**
 * The role of a supply, decided in this order:
 *
 *   | class / type                                           | description                 | role        |
 *   |--------------------------------------------------------|-----------------------------|-------------|
 *   | class receptacleThatIsFilled, or a waste* type          | any                         | receptacle  |
 *   | a toner or ink type (toner, tonerCartridge, ink, …)    | any                         | toner       |
 *   | no type, other or unknown                              | waste, collector, receptacle | receptacle |
 *   | no type, other or unknown                              | drum, imaging, fuser, …     | part        |
 *   | no type, other or unknown                              | toner, ink, cartridge       | toner       |
 *   | anything else (opc, fuser, transferUnit, staples, …)   | any                         | part        |
 *
 * So HP's "Black Cartridge HP CF410A" and Canon's "Canon Cartridge 719/719H" without a type are toner;
 * Xerox's "Drum Cartridge (R1)" and an "Imaging Cartridge" are parts; "Waste Toner Container" fills up.
 */
export function supplyRole(s: Pick<Supply, 'type' | 'class' | 'description'>): SupplyRole {
  if (s.class === 'receptacleThatIsFilled' || (s.type !== null && WASTE_TYPES.has(s.type))) return 'receptacle';
  if (s.type !== null && TONER_TYPES.has(s.type)) return 'toner';
  if (UNTYPED.has(s.type) && s.description) {
    const d = s.description.toLowerCase();
    if (RECEPTACLE_WORDS.test(d)) return 'receptacle';
    if (PART_WORDS.test(d)) return 'part';
    if (TONER_WORDS.test(d)) return 'toner';
  }
  return 'part';
}

/** Is this supply toner or ink (watched by `toner-low`, shown in the Toner / ink column)? */
export function isTonerOrInk(s: Supply): boolean {
  return supplyRole(s) === 'toner';
}

/** Human label for a supply in messages: its description up to `,` or `;`, lower case; else "supply 1.3". */
export function supplyLabel(s: Supply): string {
  const d = s.description?.trim();
  return d ? d.replace(/[,;].*$/, '').trim().toLowerCase() || `supply ${s.index}` : `supply ${s.index}`;
}

/**
 * A supply's level for people: `63%`, or the meaning of a special level. Level −3 is "some left" (the
 * printer only knows that some remains: never a figure, never an alert), −2 "unknown", −1 "no limit".
 */
export function supplyLevelText(s: Pick<Supply, 'level' | 'percent'>): string {
  if (s.level === -3) return 'some left';
  if (s.level === -2) return 'unknown';
  if (s.level === -1) return 'no limit';
  return s.percent === null ? '?' : `${s.percent}%`;
}

/** Does the supply have a level a rule can compare (not −3, −2, −1 or missing)? */
export function hasFigure(s: Pick<Supply, 'level' | 'percent'>): boolean {
  return s.percent !== null && s.level !== null && s.level >= 0;
}

/** How full a receptacle is, in percent: its `percent` is the space remaining (RFC 3805), so 100 − that. */
export function percentFull(s: Pick<Supply, 'level' | 'percent'>): number | null {
  return hasFigure(s) ? 100 - s.percent! : null;
}
