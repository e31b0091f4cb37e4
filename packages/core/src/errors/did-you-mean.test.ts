import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('didYouMean', () => {
  it('finds the closest name for a typo', () => {
    expect(didYouMean('tokn', ['token', 'type'])).toBe('token');
    expect(didYouMean('paginaton', ['pagination', 'records', 'request'])).toBe('pagination');
    expect(didYouMean('beaer', ['api_key', 'bearer', 'basic', 'oauth2'])).toBe('bearer');
  });

  it('treats - and _ and case as near-misses', () => {
    expect(didYouMean('link-header', ['link_header', 'cursor'])).toBe('link_header');
    expect(didYouMean('Cursor', ['cursor', 'page'])).toBe('cursor');
  });

  it('suggests nothing when no name is close', () => {
    expect(didYouMean('zzzzzz', ['token', 'type'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });

  it('computes the edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('qurey', 'query')).toBe(1);
  });
});
