import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defineConnector, defineWebhookVerifier, type ConnectorPreset } from '../connector/index.js';
import { CasesFailed } from './case-failures.js';
import { presetWebhookVerifier } from './preset-webhook-verifier.js';

const BODY = Buffer.from('{"id":"e1"}');
const URL_ = 'http://127.0.0.1:1/webhooks/acme';
const hexHmac = (secret: string): string => createHmac('sha256', secret).update(BODY).digest('hex');

/** A verifier of the plugin's own, to show plugin components are created through the registry too. */
const tokenEcho = defineWebhookVerifier<{ token?: string }>({
  meta: { type: 'token', description: 'a shared token in X-Acme-Token', schema: { type: 'object', additionalProperties: false, properties: { token: { type: 'string' } } } },
  create: (options) => ({ verify: ({ headers }) => (options.token !== undefined && headers['x-acme-token'] === options.token ? { ok: true } : { ok: false, reason: 'mismatch' }) }),
});

function acme(verify: Record<string, unknown> | undefined) {
  const preset: ConnectorPreset = {
    description: 'Acme',
    config: {
      auth: { type: 'bearer' },
      streams: { items: { request: { path: '/items' }, entity: 'product', map: '{ "sku": sku }' } },
      ...(verify === undefined ? {} : { webhooks: { verify, events: { 'item.changed': { entity: 'product', map: '{ "sku": sku }' } } } }),
    },
  };
  return defineConnector({ meta: { name: 'connectd-connector-acme', version: '1.0.0', namespace: 'acme', engine: '*' }, presets: { default: preset }, webhookVerifiers: { token: tokenEcho } });
}

const connection = (verify: Record<string, unknown>) => ({ base_url: 'http://127.0.0.1:1', auth: { token: 't' }, webhooks: { verify } });

describe('presetWebhookVerifier', () => {
  it("builds core's hmac from the preset's options merged with the file's secret", () => {
    const { verifier } = presetWebhookVerifier(acme({ type: 'hmac', header: ['X-Acme-Signature', 'X-Acme-Sig'] }), 'default', { connection: connection({ secret: 's1' }) });
    expect(verifier.verify({ rawBody: BODY, headers: { 'x-acme-sig': hexHmac('s1') }, url: URL_ })).toEqual({ ok: true });
    expect(verifier.verify({ rawBody: BODY, headers: { 'x-acme-signature': hexHmac('s2') }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it("builds the plugin's own verifier through the registry", () => {
    const { verifier } = presetWebhookVerifier(acme({ type: 'acme/token' }), 'default', { connection: connection({ token: 'tk' }) });
    expect(verifier.verify({ rawBody: BODY, headers: { 'x-acme-token': 'tk' }, url: URL_ })).toEqual({ ok: true });
    expect(verifier.verify({ rawBody: BODY, headers: { 'x-acme-token': 'nope' }, url: URL_ })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('throws every config problem at once, and says when the preset has no webhooks', () => {
    let failed: unknown;
    try {
      presetWebhookVerifier(acme({ type: 'hmac', header: 'X-Acme-Signature', encodng: 'hex' }), 'default', { connection: connection({}) });
    } catch (err) {
      failed = err;
    }
    expect(failed).toBeInstanceOf(CasesFailed);
    const messages = (failed as CasesFailed).failures.map((f) => f.message).join('\n');
    expect(messages).toMatch(/encodng/);
    expect(messages).toMatch(/needs one of "secret" or "secrets"/);
    expect(() => presetWebhookVerifier(acme(undefined), 'default', { connection: { base_url: 'http://127.0.0.1:1', auth: { token: 't' } } })).toThrow(/has no webhooks\.verify/);
  });
});
