import { describe, expect, it } from 'vitest';
import { redactSecretFields } from './redact-value.js';

describe('redactSecretFields', () => {
  it('censors the fields the log policy names secret, at any depth, and the plugins’ extra names', () => {
    const payload = { sku: 'A', api_key: 'k1', nested: [{ access_token: 't', name: 'n' }], headers: { Authorization: 'Bearer x' }, shop_pin: '1234' };
    expect(redactSecretFields(payload, ['shop_pin'])).toEqual({
      sku: 'A',
      api_key: '[redacted]',
      nested: [{ access_token: '[redacted]', name: 'n' }],
      headers: { Authorization: '[redacted]' },
      shop_pin: '[redacted]',
    });
    expect(payload.api_key).toBe('k1');
    expect(redactSecretFields('plain')).toBe('plain');
  });
});
