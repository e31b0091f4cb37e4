/**
 * A fake vendor's webhook sender: POSTs over real HTTP, signed the way vendors sign (HMAC of the
 * body, of the notification URL and the body, or of a timestamp and the body): the shapes core's
 * `hmac` verifier checks, so a receiver is tested against the bytes a vendor would send.
 */
import { createHmac } from 'node:crypto';

/** How long a delivery waits for the receiver. */
export const DEFAULT_WEBHOOK_SEND_TIMEOUT_MS = 10_000;

/** How the vendor signs its deliveries; names follow core's `hmac` verifier options. */
export interface WebhookSigning {
  readonly secret: string;
  /** The header carrying the signature. */
  readonly header: string;
  /** Default `hex`. */
  readonly encoding?: 'hex' | 'base64';
  /** Default `sha256`. */
  readonly algorithm?: 'sha256' | 'sha1' | 'sha512';
  /** Text before the signature in the header, e.g. `sha256=`. */
  readonly prefix?: string;
  /** What is signed. Default `body`; `url_body`: the target URL then the body (Square); `timestamp_body`: the timestamp, `separator`, the body. */
  readonly signedPayload?: 'body' | 'url_body' | 'timestamp_body';
  /** Header with the signing timestamp (epoch seconds), for `timestamp_body`. */
  readonly timestampHeader?: string;
  /** Default `.`. */
  readonly separator?: string;
  /** The clock for timestamps, in epoch ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Headers sent with every delivery (e.g. `user-agent`). `content-type: application/json` is always sent unless overridden. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One delivery; the overrides exist to test receivers that must refuse. */
export interface WebhookSendOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Changes the raw body after signing: a tampered delivery. */
  readonly tamper?: (rawBody: string) => string;
  /** Sign with this secret instead (a wrong signature). */
  readonly secret?: string;
  /** Send this signature value as is; null sends no signature header. */
  readonly signature?: string | null;
  /** Send the signature in this header instead. */
  readonly header?: string;
  /** For `url_body`: sign this URL instead of the target (the URL as registered at the vendor; '' signs the body alone). */
  readonly signedUrl?: string;
  /** For `timestamp_body`: this timestamp (epoch seconds) instead of now (a stale delivery). */
  readonly timestamp?: number;
  /** Default {@link DEFAULT_WEBHOOK_SEND_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** The receiver's answer. */
export interface WebhookSendResult {
  readonly status: number;
  readonly body: string;
  /** What went out, for checks on the sender's side: the body signed, the body sent (they differ when tampered), the signature, every header. */
  readonly sent: { readonly rawBody: string; readonly body: string; readonly signature: string | null; readonly headers: Readonly<Record<string, string>> };
}

/** Sends signed deliveries; see {@link webhookSender}. */
export interface WebhookSender {
  /** POSTs `body` (an object is sent as JSON; a string as is) to `targetUrl`. */
  send(targetUrl: string, body: unknown, options?: WebhookSendOptions): Promise<WebhookSendResult>;
  /** The signature header value for a raw body, as `send` computes it. */
  sign(rawBody: string | Uint8Array, context?: { readonly url?: string; readonly timestamp?: number; readonly secret?: string }): string;
}

/**
 * A sender of signed webhook deliveries.
 * @example
 * const hooks = webhookSender({ secret: 'whsec', header: 'X-Square-HmacSha256-Signature', encoding: 'base64', signedPayload: 'url_body' });
 * const answer = await hooks.send(`${daemonUrl}/webhooks/square`, event);
 * answer.status; // 200 when the receiver accepted it
 */
export function webhookSender(signing: WebhookSigning): WebhookSender {
  const now = signing.now ?? Date.now;
  const sign: WebhookSender['sign'] = (rawBody, context = {}) => {
    const hmac = createHmac(signing.algorithm ?? 'sha256', context.secret ?? signing.secret);
    if (signing.signedPayload === 'url_body') hmac.update(context.url ?? '');
    if (signing.signedPayload === 'timestamp_body') hmac.update(`${context.timestamp ?? Math.floor(now() / 1000)}${signing.separator ?? '.'}`);
    return `${signing.prefix ?? ''}${hmac.update(rawBody).digest(signing.encoding ?? 'hex')}`;
  };
  return {
    sign,
    async send(targetUrl, body, options = {}) {
      const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
      const timestamp = options.timestamp ?? Math.floor(now() / 1000);
      const signature = options.signature === undefined ? sign(rawBody, { url: options.signedUrl ?? targetUrl, timestamp, ...(options.secret === undefined ? {} : { secret: options.secret }) }) : options.signature;
      const given = { ...signing.headers, ...options.headers };
      const typed = Object.keys(given).some((name) => name.toLowerCase() === 'content-type');
      const headers: Record<string, string> = { ...(typed ? {} : { 'content-type': 'application/json' }), ...given };
      if (signature !== null) headers[options.header ?? signing.header] = signature;
      if (signing.signedPayload === 'timestamp_body' && signing.timestampHeader !== undefined) headers[signing.timestampHeader] = String(timestamp);
      const sentBody = options.tamper === undefined ? rawBody : options.tamper(rawBody);
      // Vendors do not follow redirects with a delivery: a 3xx is the receiver's answer.
      const response = await fetch(targetUrl, { method: 'POST', headers, body: sentBody, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_WEBHOOK_SEND_TIMEOUT_MS) });
      return { status: response.status, body: await response.text(), sent: { rawBody, body: sentBody, signature, headers } };
    },
  };
}
