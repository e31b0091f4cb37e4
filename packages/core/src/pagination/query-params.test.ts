import { describe, expect, it } from 'vitest';
import { getQueryParam, setQueryParams } from './query-params.js';

describe('setQueryParams', () => {
  it('replaces a parameter in place and appends new ones, leaving the others byte for byte', () => {
    expect(setQueryParams('https://x.test/p?a=%7Ex&offset=0&b=c+d', { offset: '100', limit: '50' })).toBe(
      'https://x.test/p?a=%7Ex&offset=100&b=c+d&limit=50',
    );
  });

  it('adds a query to a URL without one and keeps the fragment last', () => {
    expect(setQueryParams('https://x.test/p#top', { page: '2' })).toBe('https://x.test/p?page=2#top');
  });

  it('collapses a repeated name, matches encoded names, and encodes values', () => {
    expect(setQueryParams('https://x.test/?page%5Bafter%5D=1&x=1&page%5Bafter%5D=2', { 'page[after]': 'a b/c' })).toBe(
      'https://x.test/?page%5Bafter%5D=a%20b%2Fc&x=1',
    );
  });

  it('keeps a malformed escape in another parameter as written', () => {
    expect(setQueryParams('https://x.test/?bad=%E0%A4%A&page=1', { page: '2' })).toBe('https://x.test/?bad=%E0%A4%A&page=2');
  });
});

describe('getQueryParam', () => {
  it('returns the first decoded value, an empty string for a bare name, undefined when absent', () => {
    const url = 'https://x.test/?q=a+b%21&flag&q=second#page=9';
    expect(getQueryParam(url, 'q')).toBe('a b!');
    expect(getQueryParam(url, 'flag')).toBe('');
    expect(getQueryParam(url, 'page')).toBeUndefined();
  });
});
