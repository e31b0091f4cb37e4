/**
 * OAuth 1.0a request signing (RFC 5849 §3.4) with HMAC-SHA256, as NetSuite's Token-Based
 * Authentication wants it. Pure functions: the auth component supplies the nonce and timestamp.
 */
import { createHmac } from 'node:crypto';

/** The parameters NetSuite's TBA sends in the Authorization header, apart from realm and signature. */
export interface OAuthParams {
  readonly oauth_consumer_key: string;
  readonly oauth_token?: string;
  readonly oauth_nonce: string;
  readonly oauth_timestamp: string;
  readonly oauth_signature_method: 'HMAC-SHA256';
  readonly oauth_version: '1.0';
  /** Other parameters that take part in the signature (e.g. `oauth_callback`, `role` in the token flow). */
  readonly [name: string]: string | undefined;
}

/**
 * RFC 3986 percent-encoding (RFC 5849 §3.6): every octet but the unreserved characters, upper-case
 * hex. `encodeURIComponent` leaves `!'()*` alone, which OAuth must encode.
 * @example
 * oauthEncode("a b!"); // 'a%20b%21'
 */
export function oauthEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Scheme, host (default port dropped) and path, without query or fragment (RFC 5849 §3.4.1.2). */
function baseUri(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * The signature base string: METHOD & encoded base URI & encoded, sorted parameters (the URL's
 * query plus `params`; realm and oauth_signature never take part).
 * @example
 * signatureBaseString('POST', 'https://123.suitetalk.api.netsuite.com/services/rest/query/v1/suiteql?limit=10', params);
 * // 'POST&https%3A%2F%2F123.suitetalk…&limit%3D10%26oauth_consumer_key%3D…'
 */
export function signatureBaseString(method: string, url: string, params: OAuthParams): string {
  const parsed = new URL(url);
  const pairs: Array<[string, string]> = [...parsed.searchParams].map(([k, v]) => [oauthEncode(k), oauthEncode(v)]);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && name !== 'realm' && name !== 'oauth_signature') pairs.push([oauthEncode(name), oauthEncode(value)]);
  }
  // Byte order of the encoded names, then values; encoded text is ASCII, so code-unit order is byte order.
  pairs.sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)));
  const normalized = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  return [method.toUpperCase(), oauthEncode(baseUri(parsed)), oauthEncode(normalized)].join('&');
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * HMAC-SHA256 of the base string, keyed with `encode(consumer secret)&encode(token secret)`, in base64.
 * @example
 * hmacSha256Signature(base, 'consumer-secret', 'token-secret'); // 'q1w2…='
 */
export function hmacSha256Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha256', `${oauthEncode(consumerSecret)}&${oauthEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/**
 * The `Authorization: OAuth …` value: realm first, then every parameter, values encoded and quoted.
 * @example
 * authorizationHeader('1234567_SB1', { ...params, oauth_signature: sig }); // 'OAuth realm="1234567_SB1", oauth_consumer_key="…", …'
 */
export function authorizationHeader(realm: string, params: Readonly<Record<string, string | undefined>>): string {
  const fields = Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [`${oauthEncode(k)}="${oauthEncode(v)}"`]));
  return `OAuth realm="${oauthEncode(realm)}", ${fields.join(', ')}`;
}
