import { seededRandom } from './core-test-kit.js';

/** core's seeded source, for this fake's modules (ids, tokens, faults, seeded data). */
export { seededRandom };

/**
 * Mixes numbers into one 32-bit seed, so derived streams (per shop, per seeding call) differ from
 * each other and from the parent stream.
 * @example
 * mixSeed(1, 2) !== mixSeed(2, 1); // true
 */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x01000193) >>> 0;
    hash = Math.imul(hash ^ (hash >>> 13), 0x5bd1e995) >>> 0;
  }
  return hash;
}

/**
 * A 32-bit hash of a text (FNV-1a), so a shop's data depends on its domain, not on the order in
 * which shops were added.
 * @example
 * hashText('acme.myshopify.com') === hashText('acme.myshopify.com'); // true
 */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * `length` characters drawn from `alphabet`.
 * @example
 * randomChars(seededRandom(1), '0123456789abcdef', 32); // 32 hex digits
 */
export function randomChars(random: () => number, alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/**
 * An integer in `min..max` (both included).
 * @example
 * randomInt(seededRandom(1), 1, 6); // a die roll
 */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * One element of a non-empty list.
 * @example
 * pick(seededRandom(1), ['a', 'b']); // 'a' or 'b'
 */
export function pick<T>(random: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('fake shopify: pick from an empty list');
  return items[Math.floor(random() * items.length)]!;
}

/**
 * A version-4-shaped UUID, as Shopify's `X-Shopify-Webhook-Id`, `X-Shopify-Event-Id` and
 * `X-Request-Id` values are.
 * @example
 * uuidFrom(seededRandom(1)); // 'c8a7…-…-4…-…'
 */
export function uuidFrom(random: () => number): string {
  const hex = randomChars(random, '0123456789abcdef', 32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(random() * 4)]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
