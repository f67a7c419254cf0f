/** A small seeded PRNG (mulberry32): the same HA_SEED replays the same target choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed from HA_SEED, or a fresh one (recorded in run.json either way). */
export function chooseSeed(fromEnv: string | undefined): number {
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) {
    return Number(fromEnv);
  }
  return Math.floor(Math.random() * 2 ** 31);
}
