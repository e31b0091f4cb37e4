import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileDeliveryKeys, compileKeyExtractor, dedupeKeyOf, labelKeyOf, MAX_DEDUPE_KEY_CHARS } from './keys.js';
import { keptHeaderNames, pickHeaders } from './intake/kept-headers.js';

describe('key extraction', () => {
  it('reads body paths with names, indexes and quoted names', () => {
    const body = { id: 'evt_1', n: 42, ok: true, data: { object: { id: 'obj' } }, items: [{ id: 'i0' }, { id: 'i1' }], 'a.b': { c: 'q' } };
    expect(compileKeyExtractor('$.id', 'l')({}, body)).toBe('evt_1');
    expect(compileKeyExtractor('$.n', 'l')({}, body)).toBe('42');
    expect(compileKeyExtractor('$.ok', 'l')({}, body)).toBe('true');
    expect(compileKeyExtractor('$.data.object.id', 'l')({}, body)).toBe('obj');
    expect(compileKeyExtractor('$.items[1].id', 'l')({}, body)).toBe('i1');
    expect(compileKeyExtractor('$["a.b"].c', 'l')({}, body)).toBe('q');
  });

  it('gives undefined for absent, non-scalar, empty and inherited values, whatever the body is', () => {
    const get = compileKeyExtractor('$.data.id', 'l');
    for (const body of [undefined, null, 42, 'text', [], { data: null }, { data: [1] }, { data: { id: {} } }, { data: { id: '' } }]) {
      expect(get({}, body)).toBeUndefined();
    }
    expect(compileKeyExtractor('$.constructor', 'l')({}, {})).toBeUndefined();
    expect(compileKeyExtractor('$.__proto__', 'l')({}, JSON.parse('{"__proto__":"x"}'))).toBe('x');
    expect(compileKeyExtractor('$.items[5]', 'l')({}, { items: [] })).toBeUndefined();
  });

  it('reads headers case-insensitively, first value of a repeated header', () => {
    const get = compileKeyExtractor('header:X-Shopify-Webhook-Id', 'l');
    expect(get({ 'x-shopify-webhook-id': 'w1' }, {})).toBe('w1');
    expect(get({ 'X-Shopify-Webhook-Id': 'w2' }, {})).toBe('w2');
    expect(get({ 'x-shopify-webhook-id': ['w3', 'w4'] }, {})).toBe('w3');
    expect(get({}, {})).toBeUndefined();
  });

  it('refuses JSONata beyond plain paths, and malformed specs, with a coded error at compile time', () => {
    for (const spec of ['$.items[type="x"].id', '$.a.*', 'id', 'header:', 'header:Bad Name', '$.a..b', '$.a[', '$..a']) {
      expect(() => compileKeyExtractor(spec, 'connectors.x.webhooks.event_id')).toThrow(expect.objectContaining({ code: 'CONNECTD_ERR_WEBHOOK_KEY_PATH_INVALID' }));
    }
  });

  it('derives the dedupe key from the raw body when none is declared, and hashes over-long keys', () => {
    const raw = Buffer.from('{"a":1}');
    expect(dedupeKeyOf(undefined, raw)).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
    expect(dedupeKeyOf('evt_1', raw)).toBe('evt_1');
    const long = 'k'.repeat(MAX_DEDUPE_KEY_CHARS + 1);
    expect(dedupeKeyOf(long, raw)).toBe(`sha256:${createHash('sha256').update(long).digest('hex')}`);
    expect(dedupeKeyOf('a\u0000b', raw)).toBe('a\uFFFDb');
    expect(labelKeyOf(undefined)).toBeNull();
    expect(labelKeyOf('x'.repeat(5000))).toHaveLength(1024);
  });
});

describe('delivery keys', () => {
  it('compiles a connector\'s keys once, for the intake and processing alike', () => {
    const keys = compileDeliveryKeys({ event_id: 'header:X-Id', event_type: '$.type', route: '$.data.merchant' }, 'connectors.x.webhooks');
    const headers = { 'x-id': 'evt-9' };
    const body = { type: 'stock.updated', data: { merchant: 'M1' } };
    expect([keys.eventId?.(headers, body), keys.eventType?.(headers, body), keys.route?.(headers, body)]).toEqual(['evt-9', 'stock.updated', 'M1']);
    expect(keys.headerNames).toEqual(['x-id']);
    expect(compileDeliveryKeys({}, 'connectors.x.webhooks')).toEqual({ eventId: undefined, eventType: undefined, route: undefined, headerNames: [] });
  });
});

describe('kept headers', () => {
  it('keeps content-type and declared headers, never credentials or signatures', () => {
    const keys = compileDeliveryKeys({ event_id: '$.id', event_type: 'header:X-Shop-Topic', route: 'header:X-Shop-Hmac-Sha256' }, 'connectors.x.webhooks');
    const names = keptHeaderNames(keys.headerNames, ['Authorization', 'X-Request-Id', 'X-Api-Token']);
    expect(names.sort()).toEqual(['content-type', 'x-request-id', 'x-shop-topic']);
    expect(pickHeaders({ 'content-type': 'application/json', 'x-shop-topic': ['a', 'b'], cookie: 'c' }, names)).toEqual({
      'content-type': 'application/json',
      'x-shop-topic': 'a, b',
    });
  });
});
