// mulberry32: a small seeded random generator (numbers in [0, 1)), so that a generated case or data set
// is the same on every run and machine, and a failing one can be repeated from its seed. Used by the
// fuzz and fault tests and by bench/state.mjs.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
