/**
 * Square money: `{ amount, currency }` with `amount` an integer in the currency's smallest unit
 * (cents for USD, yen for JPY). Mappings turn it into the decimal the canonical entities hold with
 * `$square_money(price_money)`.
 */
import type { MappingFunction } from '@connectd/core/connector';

/**
 * ISO 4217 currencies whose minor unit is not hundredths. Square settles in a few currencies
 * (USD, CAD, GBP, EUR, AUD, JPY); others may appear in amounts it reports, so the table covers
 * every ISO 4217 exception rather than only those.
 */
const MINOR_UNIT_DIGITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/**
 * The decimal value of a Square money object, or undefined when it carries no amount (the field
 * is then left out of the entity). Exact for every amount a 53-bit integer holds: the division is
 * by a power of ten, done on the decimal string rather than in binary floating point.
 * @example
 * squareMoney({ amount: 150, currency: 'USD' });  // 1.5
 * squareMoney({ amount: 150, currency: 'JPY' });  // 150
 * squareMoney({ amount: -2250, currency: 'USD' }); // -22.5 (a refund)
 */
export function squareMoney(money: unknown): number | undefined {
  if (typeof money !== 'object' || money === null) return undefined;
  const { amount, currency } = money as { amount?: unknown; currency?: unknown };
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) return undefined;
  const digits = typeof currency === 'string' ? (MINOR_UNIT_DIGITS[currency] ?? 2) : 2;
  if (digits === 0) return amount;
  const sign = amount < 0 ? '-' : '';
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  return Number(`${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`);
}

/** `$square_money(money)` for mappings. */
export const squareMoneyFunction: MappingFunction = {
  signature: '<x-:n>',
  impl: squareMoney as (...args: never[]) => unknown,
};
