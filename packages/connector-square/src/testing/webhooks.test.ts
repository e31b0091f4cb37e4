import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, type FakeHttpServer, type RecordedRequest } from './core-test-kit.js';
import {
  deliverSquareEvent,
  signSquarePayload,
  signSquarePayloadSha1,
  SQUARE_LEGACY_SIGNATURE_HEADER,
  SQUARE_SDK_WEBHOOK_VECTORS,
  SQUARE_SIGNATURE_HEADER,
  startFakeSquare,
  type FakeSquare,
} from './index.js';

/**
 * A verifier written from Square's docs for these tests only: base64 HMAC-SHA256 with the key as
 * UTF-8 over the registered notification URL + the raw body, compared in constant time.
 */
function verifySquareSignature(request: RecordedRequest, notificationUrl: string, signatureKey: string): boolean {
  const header = request.headers[SQUARE_SIGNATURE_HEADER];
  if (typeof header !== 'string' || request.body.length === 0) return false;
  const expected = createHmac('sha256', Buffer.from(signatureKey, 'utf8')).update(Buffer.concat([Buffer.from(notificationUrl, 'utf8'), request.body])).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const NOTIFICATION_URL = 'https://hooks.example.com/webhooks/square?tenant=acme';
let square: FakeSquare;
let receiver: FakeHttpServer;
beforeEach(async () => {
  square = await startFakeSquare({ now: () => Date.parse('2025-03-01T12:00:00Z'), signatureKey: 'Ibxx_5AKakO-3qeNVR61Dw' });
  receiver = await createFakeHttpServer();
  receiver.route('POST', '/hooks', { status: 200, body: 'ok' });
});
afterEach(async () => {
  await Promise.all([square.close(), receiver.close()]);
});

describe('Square webhook signatures', () => {
  it("signs each vector of Square's Node SDK test exactly as the SDK expects", () => {
    expect(SQUARE_SDK_WEBHOOK_VECTORS.map((v) => v.signature)).toEqual([
      'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
      'W3FlCNk5IA3ZQ2LHTWoajvzfaDu/OwY2tNHIHC3IUOA=',
      'Cxt7+aTi4rKgcA0bC4g9EHdVtLSDWdqccmL5MvihU4U=',
    ]);
    for (const vector of SQUARE_SDK_WEBHOOK_VECTORS) expect(signSquarePayload(vector.notificationUrl, vector.body, vector.signatureKey), vector.name).toBe(vector.signature);
  });

  it('signs the legacy header with HMAC-SHA1 over the same message', () => {
    const [vector] = SQUARE_SDK_WEBHOOK_VECTORS;
    expect(signSquarePayloadSha1(vector!.notificationUrl, vector!.body, vector!.signatureKey)).toBe(
      createHmac('sha1', vector!.signatureKey).update(vector!.notificationUrl + vector!.body).digest('base64'),
    );
  });

  it('posts an SDK vector body through a receiver that verifies it against the registered URL', async () => {
    const [vector] = SQUARE_SDK_WEBHOOK_VECTORS;
    const result = await deliverSquareEvent({ url: `${receiver.url}/hooks`, notificationUrl: vector!.notificationUrl, signatureKey: vector!.signatureKey, event: vector!.body });
    expect(result.status).toBe(200);
    const [arrived] = receiver.requestsTo('POST', '/hooks');
    expect(arrived!.text()).toBe(vector!.body);
    expect(arrived!.headers[SQUARE_SIGNATURE_HEADER]).toBe(vector!.signature);
    expect(verifySquareSignature(arrived!, vector!.notificationUrl, vector!.signatureKey)).toBe(true);
  });
});

describe('deliverSquareEvent', () => {
  it('POSTs the raw JSON signed over the notification URL (not the URL posted to) with Square delivery headers', async () => {
    const { event } = square.merchant().updateCount(square.merchant().addItem({ name: 'Tea' }).item.item_data.variations[0]!.id, square.merchant().locations()[0]!.id, 7);
    const result = await square.deliver(event, { url: `${receiver.url}/hooks`, notificationUrl: NOTIFICATION_URL });
    const [arrived] = receiver.requestsTo('POST', '/hooks');
    expect(arrived!.json()).toEqual(event);
    expect(arrived!.text()).toBe(JSON.stringify(event));
    expect(arrived!.headers).toMatchObject({
      'content-type': 'application/json',
      'square-environment': 'Production',
      'square-initial-delivery-timestamp': '2025-03-01T12:00:00.000Z',
    });
    expect(arrived!.headers['square-retry-number']).toBeUndefined();
    expect(arrived!.headers[SQUARE_LEGACY_SIGNATURE_HEADER]).toBeUndefined();
    expect(verifySquareSignature(arrived!, NOTIFICATION_URL, square.signatureKey)).toBe(true);
    expect(verifySquareSignature(arrived!, `${receiver.url}/hooks`, square.signatureKey)).toBe(false);
    expect(result).toEqual({ status: 200, body: 'ok', sent: { body: arrived!.text(), headers: expect.objectContaining({ [SQUARE_SIGNATURE_HEADER]: arrived!.headers[SQUARE_SIGNATURE_HEADER] }) } });
  });

  it('adds the legacy SHA-1 header when asked, and the retry headers on a retry', async () => {
    await square.deliver('{"type":"x"}', { url: `${receiver.url}/hooks`, legacySignature: true, retry: { number: 2, reason: 'http_timeout' }, environment: 'Sandbox' });
    const [arrived] = receiver.requestsTo('POST', '/hooks');
    expect(arrived!.headers[SQUARE_LEGACY_SIGNATURE_HEADER]).toBe(signSquarePayloadSha1(`${receiver.url}/hooks`, '{"type":"x"}', square.signatureKey));
    expect(arrived!.headers).toMatchObject({ 'square-retry-number': '2', 'square-retry-reason': 'http_timeout', 'square-environment': 'Sandbox' });
  });

  it('makes deliveries a correct verifier refuses: body-only signature, wrong key, re-serialised body, no signature', async () => {
    const { event } = square.merchant().revokeAuthorization();
    const url = `${receiver.url}/hooks`;
    const base = { url, notificationUrl: NOTIFICATION_URL };
    await square.deliver(event, { ...base, signBodyOnly: true });
    await square.deliver(event, { ...base, signWithKey: 'MCmhFRxGX82xMwg5FsaoQA' });
    await square.deliver(event, { ...base, reserialize: true });
    await square.deliver(event, { ...base, reserialize: (raw) => raw.replace('"MERCHANT"', '"SQUARE"') });
    await square.deliver(event, { ...base, signature: null });
    await square.deliver(event, base);
    const arrived = receiver.requestsTo('POST', '/hooks');
    expect(arrived.map((r) => verifySquareSignature(r, NOTIFICATION_URL, square.signatureKey))).toEqual([false, false, false, false, false, true]);
    // What each variant did: the body-only one verifies over the body alone; the re-serialised one is pretty-printed JSON of the same event.
    expect(arrived[0]!.headers[SQUARE_SIGNATURE_HEADER]).toBe(signSquarePayload('', arrived[0]!.text(), square.signatureKey));
    expect(arrived[2]!.text()).toBe(JSON.stringify(event, null, 2));
    expect(arrived[2]!.json()).toEqual(event);
    expect(arrived[4]!.headers[SQUARE_SIGNATURE_HEADER]).toBeUndefined();
  });

  it("resolves the receiver's refusal as it is", async () => {
    receiver.route('POST', '/hooks', { status: 401, body: 'bad signature' });
    expect(await deliverSquareEvent({ url: `${receiver.url}/hooks`, signatureKey: 'k', event: '{}' })).toMatchObject({ status: 401, body: 'bad signature' });
  });
});
