import { describe, expect, it } from 'vitest';
import { parseJsonLossless, stringifyJson } from './json-text.js';

describe('JSON text with 64-bit ids', () => {
  it('writes bigints as bare number literals and everything else as JSON.stringify does', () => {
    const value = { id: 271878346596884015n, small: 42n, price: '1.00', n: 1.5, none: null, gone: undefined, list: [1n, 'a', undefined], at: new Date(0), nested: { ok: true } };
    expect(stringifyJson(value)).toBe('{"id":271878346596884015,"small":42,"price":"1.00","n":1.5,"none":null,"list":[1,"a",null],"at":"1970-01-01T00:00:00.000Z","nested":{"ok":true}}');
    const plain = { a: [1, { b: 'x"y' }], c: 'é\n' };
    expect(stringifyJson(plain)).toBe(JSON.stringify(plain));
  });

  it('reads integers beyond 2^53 back exactly, as bigints, and the rest as JSON.parse does', () => {
    const text = '{"id":271878346596884015,"safe":9007199254740991,"neg":-9007199254740993,"f":1.5e3,"s":"a\\"b","a":[],"o":{},"t":true,"n":null}';
    expect(parseJsonLossless(text)).toEqual({ id: 271878346596884015n, safe: 9007199254740991, neg: -9007199254740993n, f: 1500, s: 'a"b', a: [], o: {}, t: true, n: null });
    expect(parseJsonLossless(stringifyJson({ id: 820982911946154508n }))).toEqual({ id: 820982911946154508n });
  });

  it('refuses malformed text with a SyntaxError', () => {
    for (const bad of ['{', '{"a":}', '[1,]', '"open', '{} x', 'nope']) expect(() => parseJsonLossless(bad), bad).toThrow(SyntaxError);
  });
});
