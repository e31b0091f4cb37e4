/** A signature test vector: body, key and notification URL, and the header Square computes. */
export interface SquareWebhookVector {
  readonly name: string;
  readonly body: string;
  readonly signatureKey: string;
  readonly notificationUrl: string;
  /** The expected `x-square-hmacsha256-signature`. */
  readonly signature: string;
}

/**
 * The vectors Square's Node SDK tests `WebhooksHelper.verifySignature` with
 * (`tests/integration/webhooks.test.ts` of square/square-nodejs-sdk at commit c58c6e0), for
 * checking a verifier (or posting them through the daemon) against Square's own numbers.
 * @example
 * const [vector] = SQUARE_SDK_WEBHOOK_VECTORS;
 * signSquarePayload(vector.notificationUrl, vector.body, vector.signatureKey) === vector.signature; // true
 */
export const SQUARE_SDK_WEBHOOK_VECTORS: readonly SquareWebhookVector[] = [
  {
    name: 'test signature validation pass',
    body: '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
    signatureKey: 'Ibxx_5AKakO-3qeNVR61Dw',
    notificationUrl: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9',
    signature: 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
  },
  {
    name: 'test signature unescaped chars validation pass',
    body: '{"data":{"type":"webhooks","id":"fake_id"}}',
    signatureKey: 'signature-key',
    notificationUrl: 'https://webhook.site/webhooks',
    signature: 'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=',
  },
  {
    // The body keeps `>` and `<` as they are: a verifier that HTML-escapes the body fails here.
    name: 'test signature with escaped characters',
    body: '{"data":{"type":"webhooks","id":">id<"}}',
    signatureKey: 'signature-key',
    notificationUrl: 'https://webhook.site/webhooks',
    signature: 'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
  },
];
