/**
 * storq's webhook signature: hex HMAC-SHA256 of the raw body with the webhook secret. storq's guide
 * names the header `Storq-Signature` in its prose but reads `storq.io-signature` in its JS sample,
 * and core's `hmac` verifier takes one header name, so this verifier accepts either.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { defineWebhookVerifier, type JsonSchema, type WebhookRejectReason, type WebhookVerifierRuntime } from '@connectd/core/connector';

/** Options of `verify: { type: storq/signature, ... }`. */
export interface StorqSignatureOptions {
  /** The webhook signing secret from storq's dashboard; use `${STORQ_WEBHOOK_SECRET}`. */
  readonly secret?: string;
  /** Several secrets during a rotation; any one may match. */
  readonly secrets?: readonly string[];
  /** Headers that may carry the signature, matched case-insensitively; the first present one is read. */
  readonly headers?: readonly string[];
}

/** The header names storq is known to use, in the order they are tried. */
export const STORQ_SIGNATURE_HEADERS: readonly string[] = ['Storq-Signature', 'storq.io-signature'];

/** A SHA-256 digest is 32 bytes, 64 hex characters. */
const SHA256_DIGEST_BYTES = 32;
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

const OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    secret: { type: 'string', description: 'The webhook signing secret; use ${STORQ_WEBHOOK_SECRET}.' },
    secrets: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Several secrets during a rotation; any one may match.' },
    headers: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'Headers that may carry the signature (default Storq-Signature, storq.io-signature).',
    },
  },
};

type Verdict = ReturnType<WebhookVerifierRuntime['verify']>;
type Headers = Parameters<WebhookVerifierRuntime['verify']>[0]['headers'];
const reject = (reason: WebhookRejectReason): Verdict => ({ ok: false, reason });
const ACCEPT: Verdict = { ok: true };

/** The value of the first of `names` (lower-cased) present in `headers`, whatever their case. */
function firstHeader(headers: Headers, names: readonly string[]): string | undefined {
  const byName = new Map<string, string | string[] | undefined>();
  for (const [key, value] of Object.entries(headers)) byName.set(key.toLowerCase(), value);
  for (const name of names) {
    const raw = byName.get(name);
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/**
 * `storq/signature`: verifies storq's hex HMAC-SHA256 of the raw body, read from `Storq-Signature`
 * or `storq.io-signature`. Keys and header names are prepared once in `create`; the comparison is
 * constant-time and length-checked. Without a non-empty secret every delivery is refused with
 * `no_secret` (fail closed), as core's `hmac` does.
 * @example
 * // connectors.yaml: webhooks: { verify: { type: storq/signature, secret: ${STORQ_WEBHOOK_SECRET} } }
 * const runtime = storqSignature.create({ secret: 'whsec_1' }, ctx);
 * runtime.verify({ rawBody, headers: { 'storq-signature': hexHmac }, url }); // { ok: true }
 */
export const storqSignature = defineWebhookVerifier<StorqSignatureOptions>({
  meta: {
    type: 'signature',
    description: "storq's hex HMAC-SHA256 of the raw body, in Storq-Signature or storq.io-signature",
    schema: OPTIONS_SCHEMA,
  },
  create(options, ctx) {
    const names = (options.headers ?? STORQ_SIGNATURE_HEADERS).map((name) => name.toLowerCase());
    // An empty value is what an unset ${VAR:-} gives: it is no secret at all.
    const keys: KeyObject[] = [...(options.secrets ?? []), ...(options.secret === undefined ? [] : [options.secret])]
      .filter((secret) => secret !== '')
      .map((secret) => createSecretKey(Buffer.from(secret, 'utf8')));
    if (keys.length === 0) {
      ctx.log.warn('storq webhook verifier has no secret: every delivery is rejected until STORQ_WEBHOOK_SECRET is set');
      return { verify: () => reject('no_secret') };
    }
    return {
      verify({ rawBody, headers }) {
        if (rawBody.length === 0) return reject('missing');
        const value = firstHeader(headers, names);
        if (value === undefined) return reject('missing');
        if (!HEX_DIGEST.test(value)) return reject('mismatch');
        const signature = Buffer.from(value, 'hex');
        for (const key of keys) {
          const digest = createHmac('sha256', key).update(rawBody).digest();
          // timingSafeEqual throws on unequal lengths; the pattern above already fixes the length.
          if (signature.length === SHA256_DIGEST_BYTES && timingSafeEqual(signature, digest)) return ACCEPT;
        }
        return reject('mismatch');
      },
    };
  },
});
