import { describe, expect, it } from 'vitest';
import { splitUrl } from './transport.js';

describe('splitUrl', () => {
  it("splits absolute http(s) URLs into undici's origin and path", () => {
    expect(splitUrl('https://api.test/v1/items?page=2')).toEqual({ origin: 'https://api.test', path: '/v1/items?page=2' });
    expect(splitUrl('http://127.0.0.1:8080')).toEqual({ origin: 'http://127.0.0.1:8080', path: '/' });
    expect(splitUrl('HTTP://h.test?x=1')).toEqual({ origin: 'HTTP://h.test', path: '/?x=1' });
    expect(splitUrl('https://h.test/a#frag')).toEqual({ origin: 'https://h.test', path: '/a' });
  });

  it('refuses anything else', () => {
    expect(splitUrl('/relative')).toBeUndefined();
    expect(splitUrl('ftp://h.test/x')).toBeUndefined();
    expect(splitUrl('https:///nohost')).toBeUndefined();
  });
});
