import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacVerifier, type HmacVerifierOptions } from '../webhooks/index.js';
import { createTestContext } from './component-context.js';
import { createFakeHttpServer, type FakeHttpServer } from './fake-http-server.js';
import { createFakeVendor, type FakeVendor } from './fake-vendor.js';
import type { WebhookSigning } from './fake-vendor-webhooks.js';

/** A receiver that checks each delivery with core's own `hmac` verifier, answering 200 or 401 with the reason. */
let receiver: FakeHttpServer;
let vendor: FakeVendor;
let verifierOptions: HmacVerifierOptions;

beforeAll(async () => {
  vendor = await createFakeVendor();
  receiver = await createFakeHttpServer();
  receiver.route('POST', '/hooks', (request) => {
    const verdict = hmacVerifier.create(verifierOptions, createTestContext()).verify({ rawBody: request.body, headers: request.headers, url: `${receiver.url}${request.url}` });
    return verdict.ok ? { status: 200, body: 'ok' } : { status: 401, body: verdict.reason };
  });
});
afterAll(async () => {
  await receiver.close();
  await vendor.close();
});

const event = { id: 'evt_1', type: 'stock.updated', data: { sku: 'MUG', quantity: 3 } };

describe('createFakeVendor().webhooks', () => {
  it.each<[string, WebhookSigning, HmacVerifierOptions]>([
    ['hex over the body (storq)', { secret: 's1', header: 'Storq-Signature' }, { header: 'Storq-Signature', secret: 's1' }],
    ['base64 over the body with a prefix', { secret: 's2', header: 'X-Sig', encoding: 'base64', prefix: 'sha256=' }, { header: 'X-Sig', encoding: 'base64', prefix: 'sha256=', secret: 's2' }],
    [
      'base64 over the URL and the body (Square)',
      { secret: 's3', header: 'X-Square-HmacSha256-Signature', encoding: 'base64', signedPayload: 'url_body' },
      { header: 'X-Square-HmacSha256-Signature', encoding: 'base64', signed_payload: 'url_body', url: 'http://placeholder/', secret: 's3' },
    ],
    [
      'sha512 hex over a timestamp and the body',
      { secret: 's4', header: 'X-Sig', algorithm: 'sha512', signedPayload: 'timestamp_body', timestampHeader: 'X-Timestamp' },
      { header: 'X-Sig', algorithm: 'sha512', signed_payload: 'timestamp_body', timestamp_header: 'X-Timestamp', secret: 's4' },
    ],
  ])('signs %s so that core\'s hmac verifier accepts the delivery, and refuses a tampered one', async (_name, signing, options) => {
    verifierOptions = options.signed_payload === 'url_body' ? { ...options, url: `${receiver.url}/hooks` } : options;
    const hooks = vendor.webhooks(signing);
    const sent = await hooks.send(`${receiver.url}/hooks`, event);
    expect([sent.status, sent.body]).toEqual([200, 'ok']);
    expect(sent.sent.rawBody).toBe(JSON.stringify(event));
    expect(receiver.requests.at(-1)!.headers['content-type']).toBe('application/json');
    expect((await hooks.send(`${receiver.url}/hooks`, event, { tamper: (raw) => raw.replace('"quantity":3', '"quantity":30') })).body).toBe('mismatch');
  });

  it('sends wrong secrets, missing signatures, other headers and stale timestamps when a test asks', async () => {
    verifierOptions = { header: 'X-Sig', signed_payload: 'timestamp_body', timestamp_header: 'X-Timestamp', secret: 'right' };
    const hooks = vendor.webhooks({ secret: 'right', header: 'X-Sig', signedPayload: 'timestamp_body', timestampHeader: 'X-Timestamp', headers: { 'user-agent': 'acme-hooks/1' } });
    const url = `${receiver.url}/hooks`;
    expect((await hooks.send(url, event, { secret: 'wrong' })).body).toBe('mismatch');
    expect((await hooks.send(url, event, { signature: null })).body).toBe('missing');
    expect((await hooks.send(url, event, { header: 'X-Other' })).body).toBe('missing');
    expect((await hooks.send(url, event, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).body).toBe('stale');
    expect((await hooks.send(url, 'raw text body')).status).toBe(200);
    expect(receiver.requests.at(-1)!.headers['user-agent']).toBe('acme-hooks/1');
    expect(hooks.sign('x', { timestamp: 1 })).toBe(hooks.sign('x', { timestamp: 1 }));
  });
});
