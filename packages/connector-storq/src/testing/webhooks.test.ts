import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeHttpServer, type FakeHttpServer } from './core-test-kit.js';
import { signStorqPayload, startFakeStorq, STORQ_GUIDE_SIGNATURE_HEADER, STORQ_SIGNATURE_HEADER, type FakeStorq } from './index.js';

let storq: FakeStorq;
let receiver: FakeHttpServer;
beforeEach(async () => {
  storq = await startFakeStorq({ webhookSecret: 'whsec_test_secret', now: () => Date.parse('2025-03-01T12:00:00Z') });
  receiver = await createFakeHttpServer();
  receiver.route('POST', '/hooks', { status: 202, body: 'accepted' });
});
afterEach(async () => {
  await Promise.all([storq.close(), receiver.close()]);
});

const hmac = (body: string, secret: string): string => createHmac('sha256', secret).update(body).digest('hex');

describe('fake storq webhooks', () => {
  it('changes the stock row and returns its stock.updated event', () => {
    storq.setStock([{ sku: 'MUG-1', quantity: 12 }]);
    const event = storq.updateStock('MUG-1', 11);
    expect(event).toEqual({
      id: expect.stringMatching(/^evt_[A-Za-z0-9]+$/),
      type: 'stock.updated',
      created_at: '2025-03-01T12:00:00.000Z',
      data: { object: { sku: 'MUG-1', quantity: 11, updated_at: '2025-03-01T12:00:00.000Z' } },
    });
    expect(storq.stock()).toEqual([event.data.object]);
    storq.updateStock('NEW-1', 4, 'test');
    expect(storq.stock('test').map((row) => row.sku)).toEqual(['NEW-1']);
  });

  it('ships the order and returns its order.shipped event with the full order', () => {
    const order = storq.addOrder({ customer_email: 'ada@example.com', external_id: 'shop-1', line_items: [{ sku: 'MUG-1', quantity: 1 }] });
    const event = storq.shipOrder(order.id, '1Z999');
    expect(event.type).toBe('order.shipped');
    expect(event.data.object).toEqual({ ...order, status: 'shipped', tracking_number: '1Z999', shipped_at: '2025-03-01T12:00:00.000Z', updated_at: '2025-03-01T12:00:00.000Z' });
    expect(storq.orders()).toEqual([event.data.object]);
    expect(() => storq.shipOrder('ord_missing', 'x')).toThrow();
  });

  it('POSTs the raw JSON event signed with hex HMAC-SHA256 in Storq-Signature, resolving the receiver answer', async () => {
    const event = storq.updateStock('MUG-1', 3);
    const result = await storq.deliver(`${receiver.url}/hooks`, event);
    expect(result).toEqual({ status: 202, body: 'accepted' });
    const [arrived] = receiver.requestsTo('POST', '/hooks');
    expect(arrived?.headers['content-type']).toBe('application/json');
    expect(arrived?.json()).toEqual(event);
    expect(arrived?.headers[STORQ_SIGNATURE_HEADER.toLowerCase()]).toBe(hmac(arrived!.text(), 'whsec_test_secret'));
    expect(arrived?.headers[STORQ_GUIDE_SIGNATURE_HEADER]).toBeUndefined();
  });

  it('signs in the storq.io-signature header when asked, as the guide sample reads it', async () => {
    await storq.deliver(`${receiver.url}/hooks`, storq.updateStock('MUG-1', 3), { header: STORQ_GUIDE_SIGNATURE_HEADER });
    const [arrived] = receiver.requestsTo('POST', '/hooks');
    expect(arrived?.headers['storq.io-signature']).toBe(hmac(arrived!.text(), 'whsec_test_secret'));
    expect(arrived?.headers['storq-signature']).toBeUndefined();
  });

  it('signs with another secret, tampers after signing, or omits the signature when a test needs a refusal', async () => {
    const event = storq.updateStock('MUG-1', 3);
    await storq.deliver(`${receiver.url}/hooks`, event, { secret: 'whsec_wrong' });
    await storq.deliver(`${receiver.url}/hooks`, event, { tamper: (body) => body.replace('"quantity":3', '"quantity":300') });
    await storq.deliver(`${receiver.url}/hooks`, event, { signature: null });
    const [wrongSecret, tampered, unsigned] = receiver.requestsTo('POST', '/hooks');

    const wrong = wrongSecret!.headers['storq-signature'];
    expect(wrong).toBe(hmac(wrongSecret!.text(), 'whsec_wrong'));
    expect(wrong).not.toBe(hmac(wrongSecret!.text(), storq.webhookSecret));

    expect(tampered!.json()).toMatchObject({ data: { object: { quantity: 300 } } });
    expect(tampered!.headers['storq-signature']).toBe(hmac(JSON.stringify(event), storq.webhookSecret));
    expect(tampered!.headers['storq-signature']).not.toBe(hmac(tampered!.text(), storq.webhookSecret));

    expect(unsigned!.headers['storq-signature']).toBeUndefined();
  });

  it('exports the signing function receivers can check against', () => {
    expect(signStorqPayload('{"a":1}', 'k')).toBe(hmac('{"a":1}', 'k'));
    expect(signStorqPayload('{"a":1}', 'k')).toMatch(/^[0-9a-f]{64}$/);
  });
});
