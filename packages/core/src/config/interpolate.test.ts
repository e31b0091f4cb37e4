import { describe, expect, it } from 'vitest';
import { interpolate } from './interpolate.js';

describe('interpolate', () => {
  it('replaces a whole-value reference with the variable', () => {
    const result = interpolate('${TOKEN}', { TOKEN: 'abc' });
    expect(result.value).toBe('abc');
    expect(result.whole).toBe(true);
    expect(result.missing).toEqual([]);
  });

  it('uses the default when the variable is unset', () => {
    expect(interpolate('${BASE:-https://storq.io/api/v1}', {}).value).toBe('https://storq.io/api/v1');
  });

  it('prefers the variable over the default when it is set', () => {
    expect(interpolate('${BASE:-https://storq.io}', { BASE: 'http://127.0.0.1:9' }).value).toBe('http://127.0.0.1:9');
  });

  it('treats an empty variable as unset, like the shell :-', () => {
    expect(interpolate('${BASE:-fallback}', { BASE: '' }).value).toBe('fallback');
    expect(interpolate('${TOKEN}', { TOKEN: '' }).missing).toEqual(['TOKEN']);
  });

  it('replaces references embedded in text', () => {
    const result = interpolate('Bearer ${TOKEN} for ${USER:-bob}', { TOKEN: 't1' });
    expect(result.value).toBe('Bearer t1 for bob');
    expect(result.whole).toBe(false);
  });

  it('keeps $${ as a literal ${ and does not interpolate it', () => {
    const result = interpolate('price: $${AMOUNT} and ${A}', { A: 'x', AMOUNT: 'never' });
    expect(result.value).toBe('price: ${AMOUNT} and x');
    expect(result.used.map((u) => u.variable)).toEqual(['A']);
  });

  it('allows braces in defaults, for URL templates', () => {
    expect(interpolate('${ADMIN:-https://{shop}/admin/api/{version}}', {}).value).toBe('https://{shop}/admin/api/{version}');
  });

  it('interpolates nested references in defaults', () => {
    expect(interpolate('${A:-${B:-deep}}', {}).value).toBe('deep');
    expect(interpolate('${A:-${B}}', { B: 'b' }).value).toBe('b');
    expect(interpolate('${A:-${B}}', {}).missing).toEqual(['B']);
  });

  it('reports a missing variable without a default and substitutes nothing', () => {
    const result = interpolate('x${MISSING}y', {});
    expect(result.missing).toEqual(['MISSING']);
    expect(result.value).toBe('xy');
  });

  it('reports malformed references instead of guessing', () => {
    expect(interpolate('${}', {}).errors).toHaveLength(1);
    expect(interpolate('${1ABC}', {}).errors).toHaveLength(1);
    expect(interpolate('${A?oops}', {}).errors).toHaveLength(1);
    expect(interpolate('abc ${UNCLOSED', {}).errors).toHaveLength(1);
  });

  it('leaves text without references alone', () => {
    const result = interpolate('$.stock and $5', {});
    expect(result).toMatchObject({ value: '$.stock and $5', interpolated: false, errors: [] });
  });
});
