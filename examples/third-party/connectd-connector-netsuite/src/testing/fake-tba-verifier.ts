/**
 * The fake NetSuite's own check of TBA signatures. It shares no code with the plugin's signer
 * (src/oauth1.ts): it parses the Authorization header, percent-encodes byte by byte and builds the
 * base string from the raw request line, so a bug in the signer cannot hide behind the same bug here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The TBA credentials the fake accepts. */
export interface FakeTbaCredentials {
  readonly account: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly tokenId: string;
  readonly tokenSecret: string;
}

export type TbaVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: TbaRejectReason };
export type TbaRejectReason = 'missing' | 'malformed' | 'realm' | 'method' | 'unknown_key' | 'stale' | 'nonce_reused' | 'signature';

/** How far a timestamp may be from the fake's clock, in seconds. */
export const FAKE_TBA_SKEW_SECONDS = 300;

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 encoding, one UTF-8 byte at a time. */
function pct(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `OAuth a="1", b="2"` → { a: '1', b: '2' } (values percent-decoded), or undefined when it is not that shape. */
export function parseOAuthHeader(header: string): Map<string, string> | undefined {
  if (!header.startsWith('OAuth ')) return undefined;
  const fields = new Map<string, string>();
  const pattern = /\s*([A-Za-z0-9_]+)="([^"]*)"\s*(?:,|$)/gy;
  const rest = header.slice('OAuth '.length);
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = pattern.exec(rest)) !== null) {
    fields.set(match[1]!, decodeURIComponent(match[2]!));
    consumed = pattern.lastIndex;
  }
  return consumed === rest.length ? fields : undefined;
}

/** The base string from the request as the server saw it: `host` is the public origin the client signed. */
function baseString(method: string, origin: string, rawUrl: string, oauth: Map<string, string>): string {
  const [path, query = ''] = rawUrl.split('?', 2) as [string, string?];
  const pairs: string[] = [];
  for (const part of query.split('&').filter((p) => p !== '')) {
    const [k, v = ''] = part.split('=', 2) as [string, string?];
    const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    pairs.push(`${pct(decode(k))}=${pct(decode(v))}`);
  }
  for (const [k, v] of oauth) if (k !== 'realm' && k !== 'oauth_signature') pairs.push(`${pct(k)}=${pct(v)}`);
  pairs.sort((a, b) => Buffer.compare(Buffer.from(a.split('=')[0]!), Buffer.from(b.split('=')[0]!)) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `${method}&${pct(`${origin}${path}`)}&${pct(pairs.join('&'))}`;
}

/**
 * Checks one request's TBA signature the way NetSuite would: known consumer key and token,
 * HMAC-SHA256, timestamp within {@link FAKE_TBA_SKEW_SECONDS}, a nonce never seen before, and the
 * signature over method, URL and parameters.
 */
export class FakeTbaVerifier {
  readonly #credentials: FakeTbaCredentials;
  readonly #now: () => number;
  readonly #nonces = new Set<string>();

  constructor(credentials: FakeTbaCredentials, now: () => number) {
    this.#credentials = credentials;
    this.#now = now;
  }

  verify(request: { method: string; origin: string; url: string; authorization: string | undefined }): TbaVerdict {
    if (request.authorization === undefined) return { ok: false, reason: 'missing' };
    const oauth = parseOAuthHeader(request.authorization);
    if (oauth === undefined) return { ok: false, reason: 'malformed' };
    const c = this.#credentials;
    if (oauth.get('realm') !== c.account) return { ok: false, reason: 'realm' };
    if (oauth.get('oauth_signature_method') !== 'HMAC-SHA256' || oauth.get('oauth_version') !== '1.0') return { ok: false, reason: 'method' };
    if (oauth.get('oauth_consumer_key') !== c.consumerKey || oauth.get('oauth_token') !== c.tokenId) return { ok: false, reason: 'unknown_key' };
    const timestamp = Number(oauth.get('oauth_timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(this.#now() / 1000 - timestamp) > FAKE_TBA_SKEW_SECONDS) return { ok: false, reason: 'stale' };
    const expected = createHmac('sha256', `${pct(c.consumerSecret)}&${pct(c.tokenSecret)}`)
      .update(baseString(request.method, request.origin, request.url, oauth))
      .digest();
    const given = Buffer.from(oauth.get('oauth_signature') ?? '', 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
    const nonce = `${timestamp}:${oauth.get('oauth_nonce') ?? ''}`;
    if (this.#nonces.has(nonce)) return { ok: false, reason: 'nonce_reused' };
    this.#nonces.add(nonce);
    return { ok: true };
  }
}
