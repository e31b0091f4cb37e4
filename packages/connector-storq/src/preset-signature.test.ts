/**
 * storq's webhook signatures, checked by core's `hmac` verifier as the preset configures it: the
 * preset's `webhooks.verify` with the secret a connectors.yaml adds (`verify: { secret: ... }`,
 * merged key by key over the preset's), validated and created through the registry exactly as the
 * daemon does it, by core's tester (`presetWebhookVerifier`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookVerifierRuntime } from '@connectd/core/connector';
import { presetWebhookVerifier } from '@connectd/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from './index.js';
import { STORQ_SIGNATURE_HEADERS, storqDefaultPreset } from './preset.js';
import { deliverStorqEvent, signStorqPayload, STORQ_GUIDE_SIGNATURE_HEADER, STORQ_SIGNATURE_HEADER, type StorqEvent } from './testing/index.js';

const SECRET = 'whsec_storq_test_1';
const BODY = Buffer.from('{"id":"evt_1","type":"stock.updated","data":{"object":{"sku":"MUG-BLUE","quantity":7}}}');
const URL_ = 'http://127.0.0.1:3000/webhooks/storq';
const sign = (body: Buffer, secret = SECRET): string => signStorqPayload(body, secret);

/** The verifier of a connector `extends: storq/default` whose file adds `verify` (and an API token). */
const configured = (verify: Readonly<Record<string, unknown>>) =>
  presetWebhookVerifier(plugin, 'default', { connection: { auth: { token: 'fsk_test_12345678' }, webhooks: { verify } } });
const verifierWith = (verify: Readonly<Record<string, unknown>>): WebhookVerifierRuntime => configured(verify).verifier;

describe("storq/default's webhook verification", () => {
  it("is core's hmac: hex HMAC-SHA256 of the raw body, under storq's two header names", () => {
    expect(storqDefaultPreset.config.webhooks?.verify).toEqual({ type: 'hmac', header: ['Storq-Signature', 'storq.io-signature'], algorithm: 'sha256', encoding: 'hex' });
    expect(STORQ_SIGNATURE_HEADERS).toEqual([STORQ_SIGNATURE_HEADER, STORQ_GUIDE_SIGNATURE_HEADER]);
  });

  it("accepts storq's signature in Storq-Signature, and in storq.io-signature, the header the guide's JS sample reads", () => {
    const runtime = verifierWith({ secret: SECRET });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq.io-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
    expect(runtime.verify({ rawBody: BODY, headers: { 'Storq-Signature': sign(BODY).toUpperCase() }, url: URL_ })).toEqual({ ok: true });
  });

  it('rejects another secret, a tampered body or a prefixed signature as a mismatch, and no signature header as missing', () => {
    const runtime = verifierWith({ secret: SECRET });
    const tampered = Buffer.from(BODY.toString().replace('7', '70'));
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, 'other') }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
    expect(runtime.verify({ rawBody: tampered, headers: { 'storq-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': `sha256=${sign(BODY)}` }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
    expect(runtime.verify({ rawBody: BODY, headers: { 'x-other': sign(BODY) }, url: URL_ })).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts any of several secrets during a rotation', () => {
    const runtime = verifierWith({ secrets: ['old-secret', SECRET] });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, 'old-secret') }, url: URL_ })).toEqual({ ok: true });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq.io-signature': sign(BODY) }, url: URL_ })).toEqual({ ok: true });
    expect(runtime.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, 'third') }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('fails closed with no_secret, and says so once, when STORQ_WEBHOOK_SECRET is empty', () => {
    const { verifier, context } = configured({ secret: '' });
    expect(verifier.verify({ rawBody: BODY, headers: { 'storq-signature': sign(BODY, '') }, url: URL_ })).toEqual({ ok: false, reason: 'no_secret' });
    expect(context.logs.filter((line) => line.level >= 40).map((line) => line.msg)).toEqual([expect.stringMatching(/no secret/)]);
  });

  it('needs a secret from the file: the preset alone is a config error naming the missing key', () => {
    expect(() => configured({})).toThrow(/connectors\.storq\.webhooks\.verify\s+needs one of "secret" or "secrets"/);
  });
});

describe("storq/default's webhook verification over HTTP", () => {
  // A loopback receiver that answers 204 or 401 with the reason, as the intake would.
  let server: Server;
  let url: string;
  let runtime: WebhookVerifierRuntime;

  beforeAll(async () => {
    runtime = verifierWith({ secret: SECRET });
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
