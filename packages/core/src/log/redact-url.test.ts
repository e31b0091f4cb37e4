import { describe, expect, it } from 'vitest';
import { createUrlRedactor, redactUrl } from './redact-url.js';

describe('redactUrl', () => {
  it('returns URLs without query, userinfo or fragment untouched', () => {
    const url = 'https://api.example.test/v1/orders/42';
    expect(redactUrl(url)).toBe(url);
  });

  it('censors the values of secret-looking query parameters, whatever their case', () => {
    expect(redactUrl('https://a.test/x?api_key=K1&page=2&access_token=T1&Signature=S1&client_secret=C1&code=X&password=P'))
      .toBe('https://a.test/x?api_key=[redacted]&page=2&access_token=[redacted]&Signature=[redacted]&client_secret=[redacted]&code=[redacted]&password=[redacted]');
    expect(redactUrl('https://a.test/x?apiKey=K2&limit=10')).toBe('https://a.test/x?apiKey=[redacted]&limit=10');
  });

  it('censors percent-encoded parameter names too', () => {
    expect(redactUrl('https://a.test/x?api%5Fkey=K3&q=1')).toBe('https://a.test/x?api%5Fkey=[redacted]&q=1');
  });

  it('keeps ordinary parameters, empty pairs and names without values', () => {
    expect(redactUrl('https://a.test/x?cursor=abc&&flag&limit=5')).toBe('https://a.test/x?cursor=abc&&flag&limit=5');
  });

  it('removes userinfo and drops the fragment', () => {
    expect(redactUrl('https://user:pa%40ss@a.test:8443/x?page=1#access_token=T'))
      .toBe('https://a.test:8443/x?page=1');
    expect(redactUrl('https://a.test/x?email=me@example.test')).toBe('https://a.test/x?email=me@example.test');
  });

  it('applies extra scrubbing after the built-in rules', () => {
    const redact = createUrlRedactor((u) => u.replace(/\/keys\/[^/?]+/, '/keys/[redacted]'));
    expect(redact('https://a.test/keys/abc123/items?token=t')).toBe('https://a.test/keys/[redacted]/items?token=[redacted]');
  });
});
