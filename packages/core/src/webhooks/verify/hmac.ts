import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { defineWebhookVerifier, type JsonSchema, type WebhookRejectReason, type WebhookVerifierRuntime } from '../../connector/index.js';
import { decodeSignatures, headerValues, type SignatureEncoding } from './signature-header.js';
import { DEFAULT_TOLERANCE_SECONDS, isWithinTolerance, parseEpochSeconds } from './timestamp.js';

export type HmacAlgorithm = 'sha256' | 'sha1' | 'sha512';
export type SignedPayload = 'body' | 'url_body' | 'timestamp_body';

/** Options of `verify: { type: hmac, ... }`, exactly as the `verify_hmac` schema of connectors.yaml. */
export interface HmacVerifierOptions {
  /** Header carrying the signature (matched case-insensitively). */
  readonly header: string;
  readonly algorithm?: HmacAlgorithm;
  readonly encoding?: SignatureEncoding;
  /** Text before the signature in the header value, e.g. `sha256=`. */
  readonly prefix?: string;
  readonly signed_payload?: SignedPayload;
  /** The notification URL as registered at the vendor; signed before the body for `url_body`. */
  readonly url?: string;
  /** Header with the signing timestamp (epoch seconds or milliseconds) for `timestamp_body`. */
  readonly timestamp_header?: string;
  /** Between the timestamp and the body for `timestamp_body`. */
  readonly separator?: string;
  /** Largest difference to the daemon's clock, past or future, for `timestamp_body`. */
  readonly tolerance_seconds?: number;
  readonly secret?: string;
  /** Several secrets during a rotation; any one may match. */
  readonly secrets?: readonly string[];
}

export const DEFAULT_HMAC_ALGORITHM: HmacAlgorithm = 'sha256';
export const DEFAULT_HMAC_ENCODING: SignatureEncoding = 'hex';
export const DEFAULT_SIGNED_PAYLOAD: SignedPayload = 'body';
export const DEFAULT_TIMESTAMP_SEPARATOR = '.';

const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** The options schema: the `verify_hmac` definition of connectors.schema.json without `type`. */
export const HMAC_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['header'],
  properties: {
    header: { type: 'string', minLength: 1 },
    algorithm: { enum: ['sha256', 'sha1', 'sha512'] },
    encoding: { enum: ['hex', 'base64'] },
    prefix: { type: 'string' },
    signed_payload: { enum: ['body', 'url_body', 'timestamp_body'] },
    url: { type: 'string', pattern: '^https?://' },
    timestamp_header: { type: 'string', minLength: 1 },
    separator: { type: 'string' },
    tolerance_seconds: { type: 'integer', minimum: 0 },
    secret: { type: 'string' },
    secrets: { type: 'array', minItems: 1, items: { type: 'string' } },
  },
  allOf: [
    { if: { properties: { signed_payload: { const: 'url_body' } }, required: ['signed_payload'] }, then: { required: ['url'] } },
    { if: { properties: { signed_payload: { const: 'timestamp_body' } }, required: ['signed_payload'] }, then: { required: ['timestamp_header'] } },
  ],
};

type Verdict = ReturnType<WebhookVerifierRuntime['verify']>;
const reject = (reason: WebhookRejectReason): Verdict => ({ ok: false, reason });
const ACCEPT: Verdict = { ok: true };

/**
 * The built-in HMAC verifier (`type: hmac`): sha256, sha1 or sha512, hex or base64, over the raw
 * body, the notification URL followed by the body (Square), or a timestamp header joined with the
 * body (with a tolerance against replays). Several secrets may be configured during a rotation.
 *
 * Everything that does not depend on the request (keys, the URL bytes, lower-cased header names)
 * is prepared once in `create`: verification runs on the intake's hot path. A verifier without a
 * non-empty secret fails closed: every request is refused with reason `no_secret`.
 * @example
 * const runtime = hmacVerifier.create({ header: 'Storq-Signature', secret: process.env.STORQ_WEBHOOK_SECRET }, ctx);
 * runtime.verify({ rawBody, headers: request.headers, url }); // { ok: true } or { ok: false, reason: 'mismatch' }
 */
export const hmacVerifier = defineWebhookVerifier<HmacVerifierOptions>({
  meta: {
    type: 'hmac',
    description: 'HMAC signature over the raw body, the notification URL and body, or a timestamp and the body',
    schema: HMAC_OPTIONS_SCHEMA,
  },
  create(options, ctx) {
    const algorithm = options.algorithm ?? DEFAULT_HMAC_ALGORITHM;
    const decode = {
      prefix: options.prefix ?? '',
      encoding: options.encoding ?? DEFAULT_HMAC_ENCODING,
      digestBytes: DIGEST_BYTES[algorithm],
    };
    const signedPayload = options.signed_payload ?? DEFAULT_SIGNED_PAYLOAD;
    const header = options.header.toLowerCase();
    const timestampHeader = options.timestamp_header?.toLowerCase();
    const separator = options.separator ?? DEFAULT_TIMESTAMP_SEPARATOR;
    const tolerance = options.tolerance_seconds ?? DEFAULT_TOLERANCE_SECONDS;
    // An empty value is what an unset ${VAR:-} gives: it is no secret at all.
    const keys: KeyObject[] = [...(options.secrets ?? []), ...(options.secret === undefined ? [] : [options.secret])]
      .filter((s) => s !== '')
      .map((s) => createSecretKey(Buffer.from(s, 'utf8')));
    const url = options.url === undefined ? undefined : Buffer.from(options.url, 'utf8');

    if (keys.length === 0) {
      ctx.log.warn('webhook verifier has no secret: every delivery is rejected until one is configured');
      return { verify: () => reject('no_secret') };
    }
    if ((signedPayload === 'url_body' && url === undefined) || (signedPayload === 'timestamp_body' && timestampHeader === undefined)) {
      ctx.log.warn({ signed_payload: signedPayload }, 'webhook verifier lacks url or timestamp_header for its signed payload: every delivery is rejected');
      return { verify: () => reject('mismatch') };
    }

    const digests = (head: Buffer | undefined, body: Buffer): Buffer[] =>
      keys.map((key) => {
        const hmac = createHmac(algorithm, key);
        if (head !== undefined) hmac.update(head);
        return hmac.update(body).digest();
      });

    return {
      verify({ rawBody, headers }) {
        if (rawBody.length === 0) return reject('missing');
        const values = headerValues(headers, header);
        if (values.length === 0) return reject('missing');
        let head = url;
        if (timestampHeader !== undefined && signedPayload === 'timestamp_body') {
          const stamp = headerValues(headers, timestampHeader)[0];
          if (stamp === undefined) return reject('missing');
          const seconds = parseEpochSeconds(stamp);
          if (seconds === undefined) return reject('mismatch');
          if (!isWithinTolerance(seconds, ctx.now().getTime(), tolerance)) return reject('stale');
          head = Buffer.from(`${stamp}${separator}`, 'utf8');
        }
        const signatures = decodeSignatures(values, decode);
        if (signatures.length === 0) return reject('mismatch');
        const expected = digests(signedPayload === 'body' ? undefined : head, rawBody);
        for (const signature of signatures) {
          // timingSafeEqual throws on unequal lengths; decodeSignatures already keeps only the
          // digest's length, and the explicit check keeps that promise local.
          for (const digest of expected) if (signature.length === digest.length && timingSafeEqual(signature, digest)) return ACCEPT;
        }
        return reject('mismatch');
      },
    };
  },
});
