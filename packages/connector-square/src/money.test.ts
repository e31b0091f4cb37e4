import { describe, expect, it } from 'vitest';
import { squareMoney } from './money.js';

describe('squareMoney', () => {
  it('divides by the currency minor unit, exactly', () => {
    expect(squareMoney({ amount: 150, currency: 'USD' })).toBe(1.5);
    expect(squareMoney({ amount: 5, currency: 'EUR' })).toBe(0.05);
    expect(squareMoney({ amount: 1999, currency: 'GBP' })).toBe(19.99);
    // 0.1 + 0.2 style drift would show here: the division is done on the digits.
    expect(squareMoney({ amount: 30, currency: 'USD' })).toBe(0.3);
    expect(squareMoney({ amount: 900719925474099, currency: 'USD' })).toBe(9007199254740.99);
  });

  it('knows the currencies whose minor unit is not a hundredth', () => {
    expect(squareMoney({ amount: 150, currency: 'JPY' })).toBe(150);
    expect(squareMoney({ amount: 1500, currency: 'KWD' })).toBe(1.5);
  });

  it('keeps a refund negative', () => {
    expect(squareMoney({ amount: -2250, currency: 'USD' })).toBe(-22.5);
    expect(squareMoney({ amount: -7, currency: 'USD' })).toBe(-0.07);
  });

  it('gives nothing for money without a whole amount, so the field is left out', () => {
    expect(squareMoney(undefined)).toBeUndefined();
    expect(squareMoney({ currency: 'USD' })).toBeUndefined();
    expect(squareMoney({ amount: '150', currency: 'USD' })).toBeUndefined();
    expect(squareMoney({ amount: 1.5, currency: 'USD' })).toBeUndefined();
  });
});
