/**
 * JSON from vendors, read without losing ids. Vendors send 64-bit ids as JSON numbers (Shopify's
 * REST ids and webhook payloads exceed 2^53), and `JSON.parse` rounds them to the nearest double:
 * `271878346596884015` becomes `271878346596884000`, another product's id. Integers beyond the
 * safe range are read as their exact decimal strings instead; every other value is as
 * `JSON.parse` reads it.
 */

/** Integer literals longer than this many digits may exceed 2^53 (9007199254740991 has 16). */
const SAFE_DIGITS = 15;
const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Parses JSON like `JSON.parse`, but an integer outside ±(2^53 − 1) becomes a string of its digits.
 * @throws SyntaxError, as JSON.parse does, for text that is not JSON
 * @example
 * parseJson('{"id":271878346596884015,"n":7}'); // { id: '271878346596884015', n: 7 }
 */
export function parseJson(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/**
 * Wraps the unsafe integer literals of a JSON text in quotes; strings and every other token are
 * copied as they are. One pass over the text, only allocating when such an integer is found.
 */
export function quoteUnsafeIntegers(text: string): string {
  // Most bodies hold no run of 16 digits at all: one native scan decides, and they are left as is.
  if (!LONG_DIGIT_RUN.test(text)) return text;
  let out: string[] | undefined;
  let copied = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = skipString(text, i);
      continue;
    }
    const startsNumber = c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39);
    if (!startsNumber) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === 0x2d) i += 1;
    while (i < length && isDigit(text.charCodeAt(i))) i += 1;
    const digits = i - start - (c === 0x2d ? 1 : 0);
    const next = i < length ? text.charCodeAt(i) : 0;
    const isInteger = next !== 0x2e /* . */ && next !== 0x65 /* e */ && next !== 0x45; /* E */
    if (isInteger && digits > SAFE_DIGITS && !Number.isSafeInteger(Number(text.slice(start, i)))) {
      out ??= [];
      out.push(text.slice(copied, start), '"', text.slice(start, i), '"');
      copied = i;
    }
    // A fraction or exponent stays a number: skip the rest of the token.
    while (i < length && isNumberPart(text.charCodeAt(i))) i += 1;
  }
  if (out === undefined) return text;
  out.push(text.slice(copied));
  return out.join('');
}

function skipString(text: string, open: number): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i += 2;
    else if (c === 0x22) return i + 1;
    else i += 1;
  }
  return i;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isNumberPart = (c: number): boolean => isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
