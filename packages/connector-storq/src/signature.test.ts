import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ComponentContext, WebhookVerifierRuntime } from '@connectd/core/connector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storqSignature } from './signature.js';
import { deliverStorqEvent, STORQ_GUIDE_SIGNATURE_HEADER, STORQ_SIGNATURE_HEADER, type StorqEvent } from './testing/index.js';

const SECRET = 'whsec_storq_test_1';
const BODY = Buffer.from('{"id":"evt_1","type":"stock.updated","data":{"object":{"sku":"MUG-BLUE","quantity":7}}}');
const URL_ = 'http://127.0.0.1:3000/webhooks/storq';
const sign = (body: Buffer, secret = SECRET): string => createHmac('sha256', secret).update(body).digest('hex');

/** A context whose logger remembers its warnings. */
function context(): { ctx: ComponentContext; warnings: string[] } {
  const warnings: string[] = [];
  const log = {
    warn: (...args: unknown[]) => warnings.push(String(args[args.length - 1])),
    child: () => log,
  } as unknown as ComponentContext['log'];
  return { ctx: { log, signal: new AbortController().signal, now: () => new Date('2025-06-01T00:00:00Z') }, warnings };
}

const verifier = (options: Parameters<typeof storqSignature.create>[0]) => storqSignature.create(options, context().ctx);

describe('storq/signature', () => {
  it('accepts storq\'s hex HMAC-SHA256 of the raw body in Storq-Signature', () => {
    expect(verifier({ secret: SECRET }).verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
  });

  it('accepts the same signature in storq.io-signature, the header the guide\'s JS sample reads', () => {
    expect(verifier({ secret: SECRET }).verify({ rawBody: BODY, headers: { 'storq.io-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
  });

  it('matches header names and hex digits whatever their case', () => {
    const runtime = verifier({ secret: SECRET });
    expect(runtime.verify({ rawBody: BODY, headers: { 'Storq-Signature': sign(BODY).toUpperCase() }, url: URL_ })).toEqual({ ok: true });
  });

  it('rejects a signature made with another secret, or over another body, as a mismatch', () => {
    const runtime = verifier({ secret: SECRET });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, 'other') }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
    const tampered = Buffer.from(BODY.toString().replace('7', '70'));
    expect(runtime.verify({ rawBody: tampered, headers: { 'storq-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a signature that is not 64 hex characters without comparing it', () => {
    const runtime = verifier({ secret: SECRET });
    for (const value of [sign(BODY).slice(0, 62), `${sign(BODY)}00`, `sha256=${sign(BODY)}`, 'zz'.repeat(32)]) {
      expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': value }, url: URL_ }), value).toEqual({ ok: false, reason: 'mismatch' });
    }
  });

  it('reports a delivery without a signature header, or without a body, as missing', () => {
    const runtime = verifier({ secret: SECRET });
    expect(runtime.verify({ rawBody: BODY, headers: { 'x-other': sign(BODY) }, url: URL_ })).toEqual({ ok: false, reason: 'missing' });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': '  ' }, url: URL_ })).toEqual({ ok: false, reason: 'missing' });
    expect(runtime.verify({ rawBody: Buffer.alloc(0), headers: { 'storq-signature': sign(Buffer.alloc(0)) }, url: URL_ })).toEqual({ ok: false, reason: 'missing' });
  });

  it('reads the first value of a repeated header', () => {
    const runtime = verifier({ secret: SECRET });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': [sign(BODY), 'junk'] }, url: URL_ })).toEqual({ ok: true });
  });

  it('accepts any of several secrets during a rotation', () => {
    const runtime = verifier({ secrets: ['old-secret', SECRET] });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, 'old-secret') }, url: URL_ })).toEqual({ ok: true });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
  });

  it('reads only the configured headers when headers are given', () => {
    const runtime = verifier({ secret: SECRET, headers: ['X-Storq-Sig'] });
    expect(runtime.verify({ rawBody: BODY, headers: { 'x-storq-sig': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: false, reason: 'missing' });
  });

  it('fails closed with no_secret, and says so once, when the secret is unset or empty', () => {
    for (const options of [{}, { secret: '' }]) {
      const { ctx, warnings } = context();
      const runtime = storqSignature.create(options, ctx);
      expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, '') }, url: URL_ })).toEqual({ ok: false, reason: 'no_secret' });
      expect(warnings).toHaveLength(1);
    }
  });

  it('is registered as type "signature" with a closed options schema', () => {
    expect(storqSignature.meta.type).toBe('signature');
    expect(storqSignature.meta.schema).toMatchObject({ type: 'object', additionalProperties: false });
  });
});

describe('storq/signature over HTTP', () => {
  // A loopback receiver that answers 204 or 401 with the reason, as the intake would.
  let server: Server;
  let url: string;
  let runtime: WebhookVerifierRuntime;

  beforeAll(async () => {
    runtime = verifier({ secret: SECRET });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const verdict = runtime.verify({ rawBody: Buffer.concat(chunks), headers: req.headers, url });
        res.writeHead(verdict.ok ? 204 : 401).end(verdict.ok ? undefined : verdict.reason);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/storq`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const event: StorqEvent = {
    id: 'evt_9',
    type: 'stock.updated',
    created_at: '2025-06-01T10:10:00Z',
    data: { object: { sku: 'MUG-BLUE', quantity: 7, updated_at: '2025-06-01T10:10:00Z' } },
  };

  it('accepts what the fake storq sends, under either header name', async () => {
    for (const header of [STORQ_SIGNATURE_HEADER, STORQ_GUIDE_SIGNATURE_HEADER]) {
      expect((await deliverStorqEvent(url, event, SECRET, { header })).status, header).toBe(204);
    }
  });

  it('refuses a delivery signed with another secret, tampered after signing, or unsigned', async () => {
    expect(await deliverStorqEvent(url, event, SECRET, { secret: 'not-the-secret' })).toMatchObject({ status: 401, body: 'mismatch' });
    expect(await deliverStorqEvent(url, event, SECRET, { tamper: (raw) => raw.replace('"quantity":7', '"quantity":700') })).toMatchObject({ status: 401, body: 'mismatch' });
    expect(await deliverStorqEvent(url, event, SECRET, { signature: null })).toMatchObject({ status: 401, body: 'missing' });
  });
});
