import { describe, expect, it } from 'vitest';
import { parseJson } from './parse.js';

describe('parseJson', () => {
  it('reads integers beyond 2^53 as their exact digits, and every other value as JSON.parse does', () => {
    const text = '{"id":271878346596884015,"small":42,"neg":-9223372036854775807,"price":"19.99","f":1.5e3,"big_float":1234567890123456.5e1,"safe":9007199254740991,"list":[632910392,18446744073709551615]}';
    expect(parseJson(text)).toEqual({
      id: '271878346596884015',
      small: 42,
      neg: '-9223372036854775807',
      price: '19.99',
      f: 1500,
      // A fraction or exponent is a number, rounded as JSON.parse rounds it.
      big_float: JSON.parse('1234567890123456.5e1') as number,
      safe: 9007199254740991,
      list: [632910392, '18446744073709551615'],
    });
  });

  it('leaves digits inside strings alone, escaped quotes included', () => {
    expect(parseJson('{"note":"order 271878346596884015 \\" 271878346596884016","id":1}')).toEqual({ note: 'order 271878346596884015 " 271878346596884016', id: 1 });
  });

  it('fails on text that is not JSON, as JSON.parse does', () => {
    expect(() => parseJson('{"id": 271878346596884015,')).toThrow(SyntaxError);
  });
});
