import { seededRandom } from './core-test-kit.js';

/** core's seeded source, for this fake's modules (ids, faults). */
export { seededRandom };

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
