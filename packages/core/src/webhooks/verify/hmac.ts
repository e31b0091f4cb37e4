import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { defineWebhookVerifier, type WebhookRejectReason, type WebhookVerifierRuntime } from '../../connector/index.js';
import { listOrString, Type, words, type Static } from '../../json-schema/index.js';
import { decodeSignatures, headerValues, type HeaderBag, type SignatureEncoding } from './signature-header.js';
import { DEFAULT_TOLERANCE_SECONDS, isWithinTolerance, parseEpochSeconds } from './timestamp.js';

/** The options of `verify: { type: hmac, … }`: its schema, from which its type is derived. */
export const HMAC_OPTIONS_SCHEMA = Type.Object(
  {
    header: listOrString(
      { minLength: 1 },
      {
        minItems: 1,
        description:
          'Header carrying the signature (matched case-insensitively), or a list of names a vendor uses interchangeably: the first one present is read.',
      },
    ),
    algorithm: Type.Optional(words(['sha256', 'sha1', 'sha512'], { description: 'Default sha256.' })),
    encoding: Type.Optional(words(['hex', 'base64'], { description: 'Default hex.' })),
    prefix: Type.Optional(Type.String({ description: 'Text before the signature in the header, e.g. "sha256=".' })),
    signed_payload: Type.Optional(words(['body', 'url_body', 'timestamp_body'], { description: 'What is signed (default body).' })),
    url: Type.Optional(
      Type.String({
        pattern: '^https?://\\S+$',
        patternErrorMessage: 'must be an http:// or https:// URL',
        description: 'The notification URL as registered at the vendor (for url_body).',
      }),
    ),
    timestamp_header: Type.Optional(Type.String({ minLength: 1, description: 'Header with the signing timestamp (for timestamp_body).' })),
    separator: Type.Optional(Type.String({ description: 'Between timestamp and body (default ".").' })),
    tolerance_seconds: Type.Optional(Type.Integer({ minimum: 0, description: 'Largest clock difference accepted for timestamp_body (default 300).' })),
    secret: Type.Optional(Type.String({ description: 'The signing secret; use ${VAR}.' })),
    secrets: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'Several secrets during rotation; any one may match.' })),
  },
  {
    additionalProperties: false,
    // One secret, or several while rotating; never both.
    oneOf: [{ required: ['secret'] }, { required: ['secrets'] }],
    allOf: [
      { if: { properties: { signed_payload: { const: 'url_body' } }, required: ['signed_payload'] }, then: { required: ['url'] } },
      { if: { properties: { signed_payload: { const: 'timestamp_body' } }, required: ['signed_payload'] }, then: { required: ['timestamp_header'] } },
    ],
  },
);

/** Options of `verify: { type: hmac, ... }`. */
export type HmacVerifierOptions = Static<typeof HMAC_OPTIONS_SCHEMA>;
export type HmacAlgorithm = NonNullable<HmacVerifierOptions['algorithm']>;
export type SignedPayload = NonNullable<HmacVerifierOptions['signed_payload']>;

export const DEFAULT_HMAC_ALGORITHM: HmacAlgorithm = 'sha256';
export const DEFAULT_HMAC_ENCODING: SignatureEncoding = 'hex';
export const DEFAULT_SIGNED_PAYLOAD: SignedPayload = 'body';
export const DEFAULT_TIMESTAMP_SEPARATOR = '.';

const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

type Verdict = ReturnType<WebhookVerifierRuntime['verify']>;
const reject = (reason: WebhookRejectReason): Verdict => ({ ok: false, reason });
const ACCEPT: Verdict = { ok: true };

/** `header` as a list of lower-cased names, in the order they are tried. */
const signatureHeaders = (header: HmacVerifierOptions['header']): readonly string[] =>
  (typeof header === 'string' ? [header] : header).map((name) => name.toLowerCase());

/**
 * The values of the first of `names` the delivery carries. Only the first present one is read, so
 * a vendor that sends both names cannot make the verifier compare more candidates than one header
 * holds.
 */
function firstPresent(headers: HeaderBag, names: readonly string[]): string[] {
  for (const name of names) {
    const values = headerValues(headers, name);
    if (values.length > 0) return values;
  }
  return [];
}

/**
 * The built-in HMAC verifier (`type: hmac`): sha256, sha1 or sha512, hex or base64, over the raw
 * body, the notification URL followed by the body (Square), or a timestamp header joined with the
 * body (with a tolerance against replays). Several secrets may be configured during a rotation,
 * and several header names for vendors that document more than one (the first present is read).
 *
 * Everything that does not depend on the request (keys, the URL bytes, lower-cased header names)
 * is prepared once in `create`: verification runs on the intake's hot path. A verifier without a
 * non-empty secret fails closed: every request is refused with reason `no_secret`.
 * @example
 * const runtime = hmacVerifier.create({ header: 'Storq-Signature', secret: process.env.STORQ_WEBHOOK_SECRET }, ctx);
 * runtime.verify({ rawBody, headers: request.headers, url }); // { ok: true } or { ok: false, reason: 'mismatch' }
 * hmacVerifier.create({ header: ['Storq-Signature', 'storq.io-signature'], secret }, ctx); // either name
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
    const headers = signatureHeaders(options.header);
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
      verify(input) {
        const { rawBody } = input;
        if (rawBody.length === 0) return reject('missing');
        const values = firstPresent(input.headers, headers);
        if (values.length === 0) return reject('missing');
        let head = url;
        if (timestampHeader !== undefined && signedPayload === 'timestamp_body') {
          const stamp = headerValues(input.headers, timestampHeader)[0];
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
