/**
 * The preset's shape. Its mappings are evaluated against Square's own payloads on the core side,
 * where JSONata lives (packages/core/src/config/bundled-square.test.ts).
 */
import { describe, expect, it } from 'vitest';
import plugin from './index.js';
import { squareDefaultPreset, SQUARE_SCOPES } from './preset.js';

type Plain = Record<string, any>;
const config = squareDefaultPreset.config as Plain;

/** Every string anywhere in a value. */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(strings) : [];

describe('square/default', () => {
  it('holds no environment: no ${VAR}, no client id, secret or signature key, which the config file supplies', () => {
    expect(strings(config).filter((s) => s.includes('${'))).toEqual([]);
    expect(config.auth.client_id).toBeUndefined();
    expect(config.auth.client_secret).toBeUndefined();
    expect(config.webhooks.verify.secret).toBeUndefined();
  });

  it('asks for read scopes only, space-separated, and records the merchant id for webhook routing', () => {
    expect(config.auth.scopes).toEqual([...SQUARE_SCOPES]);
    expect(SQUARE_SCOPES.every((scope) => scope.endsWith('_READ'))).toBe(true);
    expect(config.auth).toMatchObject({ scope_separator: ' ', token_request_format: 'json', account_id: '$.merchant_id' });
    expect(config.webhooks.route).toBe('$.merchant_id');
  });

  it('retries 408, 429 and 5xx with backoff (Square sends no Retry-After) at a conservative pace', () => {
    expect(config.retry.retry_on_status).toEqual([408, 429, 500, 502, 503, 504]);
    expect(config.retry.base_delay_ms).toBeGreaterThanOrEqual(1000);
    expect(config.rate_limit).toEqual({ rate: '5/s', burst: 10 });
  });

  it('reads searches with POST, cursor in the body, and never names more than 10 locations per order search', () => {
    const streams = config.streams as Record<string, Plain>;
    for (const name of ['catalog', 'inventory', 'orders']) {
      expect(streams[name]!.request.method, name).toBe('POST');
      expect(streams[name]!.pagination, name).toMatchObject({ type: 'cursor', in: 'body', body_path: 'cursor' });
    }
    expect(streams.orders!.partition.size).toBeLessThanOrEqual(10);
    expect(streams.payments!.partition).toEqual({ by: 'store', size: 1 });
  });

  it('subscribes to the events that keep the streams current', () => {
    expect(Object.keys(config.webhooks.events)).toEqual([
      'inventory.count.updated',
      'order.created',
      'order.updated',
      'payment.created',
      'payment.updated',
      'catalog.version.updated',
      'oauth.authorization.revoked',
    ]);
  });

  it('registers the preset and $square_money, and is plain JSON data as the plugin loader requires of presets', () => {
    expect(plugin.presets?.default).toBe(squareDefaultPreset);
    expect(Object.keys(plugin.functions ?? {})).toEqual(['money']);
    expect(JSON.parse(JSON.stringify(squareDefaultPreset))).toEqual(squareDefaultPreset);
  });
});
