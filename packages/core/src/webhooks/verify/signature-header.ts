/**
 * Reading signature headers: case-insensitive lookup, several values (a repeated header, or a
 * comma list such as `v1=abc,v1=def` during a vendor's own key rotation), an optional prefix, and
 * strict decoding to the digest's exact byte length, so `timingSafeEqual` only ever sees equal
 * lengths.
 */

/** Incoming headers as Node gives them (lower-case keys) or as a plugin test writes them. */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** Signature encodings the built-in verifier reads. */
export type SignatureEncoding = 'hex' | 'base64';

/**
 * A header value per candidate is bounded: verifying costs one HMAC per secret whatever the
 * header holds, but a header packed with thousands of comma-separated values should not turn into
 * thousands of decodes.
 */
export const MAX_SIGNATURE_CANDIDATES = 16;

const HEX = /^[0-9a-fA-F]+$/;
// Standard and URL-safe alphabets; Node's base64 decoder reads both.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The header's value(s), looked up by a lower-case name; falls back to a case-insensitive scan
 * for header bags that were not built by Node (plugin tests, replays).
 */
export function headerValues(headers: HeaderBag, lowerName: string): string[] {
  let value = headers[lowerName];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lowerName) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v.trim() !== '');
}

/**
 * Decodes every well-formed signature in the header values to bytes of exactly `digestBytes`.
 * Values without the prefix, with characters outside the encoding, or of another length are
 * dropped: they cannot match, and dropping them keeps the comparison length-checked.
 * @example
 * decodeSignatures(['sha256=ab12…'], { prefix: 'sha256=', encoding: 'hex', digestBytes: 32 });
 */
export function decodeSignatures(
  values: readonly string[],
  options: { readonly prefix: string; readonly encoding: SignatureEncoding; readonly digestBytes: number },
): Buffer[] {
  const decoded: Buffer[] = [];
  let seen = 0;
  for (const value of values) {
    for (const part of value.split(',')) {
      if (++seen > MAX_SIGNATURE_CANDIDATES) return decoded;
      let candidate = part.trim();
      if (options.prefix !== '') {
        if (!candidate.startsWith(options.prefix)) continue;
        candidate = candidate.slice(options.prefix.length).trim();
      }
      const bytes = decodeOne(candidate, options.encoding, options.digestBytes);
      if (bytes !== undefined) decoded.push(bytes);
    }
  }
  return decoded;
}

function decodeOne(text: string, encoding: SignatureEncoding, digestBytes: number): Buffer | undefined {
  if (encoding === 'hex') {
    if (text.length !== digestBytes * 2 || !HEX.test(text)) return undefined;
    return Buffer.from(text, 'hex');
  }
  // Base64 text of n bytes is at most 4 * ceil(n / 3) characters; reject longer text before decoding.
  if (text.length === 0 || text.length > 4 * Math.ceil(digestBytes / 3) || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === digestBytes ? bytes : undefined;
}
