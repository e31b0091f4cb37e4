/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same numbers, so faults and
 * ids of a fake storq run are reproducible.
 * @example
 * const random = seededRandom(42);
 * random(); // 0.6011037519201636, every time
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random characters after the prefix of an id (`ord_`, `prod_`, `evt_`). */
export const STORQ_ID_RANDOM_CHARS = 16;

/**
 * Makes storq-style ids (`ord_3kq…`): a prefix and URL-safe random characters from `random`.
 * @example
 * const nextId = idMaker(seededRandom(1));
 * nextId('ord'); // 'ord_' + 16 letters and digits
 */
export function idMaker(random: () => number): (prefix: string) => string {
  return (prefix) => {
    let id = `${prefix}_`;
    for (let i = 0; i < STORQ_ID_RANDOM_CHARS; i++) id += idAlphabet[Math.floor(random() * idAlphabet.length)];
    return id;
  };
}
