import { createHmac } from 'node:crypto';

/** The prefix Standard Webhooks puts before the base64 key. */
export const SECRET_PREFIX = 'whsec_';

/**
 * The signing key of a `whsec_<base64>` secret: the base64-decoded part after the prefix.
 * Undefined when the text is not such a secret (or decodes to nothing).
 * @example
 * signingKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'); // Buffer of 24 bytes
 */
export function signingKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length === 0 ? undefined : key;
}

/** The headers of one delivery attempt, per the Standard Webhooks specification. */
export interface SignatureHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs one attempt: HMAC-SHA256 over `id.timestamp.body` with the key, base64, as `v1,<sig>`.
 * The id stays the same on every attempt of an event; the timestamp is the attempt's (seconds).
 * @example
 * const headers = signatureHeaders(key, 'evt_app_c42', Math.floor(Date.now() / 1000), body);
 */
export function signatureHeaders(key: Buffer, id: string, timestampSeconds: number, body: string): SignatureHeaders {
  const timestamp = String(timestampSeconds);
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
