import { createHmac } from 'node:crypto';
import { createAjv } from '../../json-schema/index.js';
import { describe, expect, it } from 'vitest';
import type { ComponentContext, WebhookVerifierRuntime } from '../../connector/index.js';
import { createLogger } from '../../log/index.js';
import { BUILTIN_WEBHOOK_VERIFIERS } from './builtins.js';
import { HMAC_OPTIONS_SCHEMA, hmacVerifier, type HmacVerifierOptions } from './hmac.js';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

function ctx(nowMs = NOW_MS, lines: string[] = []): ComponentContext {
  return {
    log: createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } }),
    signal: new AbortController().signal,
    now: () => new Date(nowMs),
  };
}

function verifier(options: HmacVerifierOptions, nowMs = NOW_MS): WebhookVerifierRuntime {
  return hmacVerifier.create(options, ctx(nowMs));
}

// Signatures are computed here, independently of the verifier, with node:crypto.
const sign = (algorithm: string, key: string, payload: string | Buffer, encoding: 'hex' | 'base64'): string =>
  createHmac(algorithm, Buffer.from(key, 'utf8')).update(payload).digest(encoding);

const body = Buffer.from('{"id":"evt_1","type":"stock.updated","data":{"object":{"sku":"A-1","quantity":3}}}');
const url = 'https://hooks.example.com/webhooks/square';

describe('hmac verifier', () => {
  it('is registered as the built-in "hmac" through the plugin contract', () => {
    expect(BUILTIN_WEBHOOK_VERIFIERS['hmac']).toBe(hmacVerifier);
    expect(hmacVerifier.meta.type).toBe('hmac');
  });

  it('accepts a hex HMAC-SHA256 of the raw body (storq-like) and reads the header case-insensitively', () => {
    const v = verifier({ header: 'Storq-Signature', algorithm: 'sha256', encoding: 'hex', secret: 'storq-secret' });
    const signature = sign('sha256', 'storq-secret', body, 'hex');
    expect(v.verify({ rawBody: body, headers: { 'storq-signature': signature }, url: '/webhooks/storq' })).toEqual({ ok: true });
    expect(v.verify({ rawBody: body, headers: { 'STORQ-SIGNATURE': signature.toUpperCase() }, url: '' })).toEqual({ ok: true });
  });

  it('accepts a base64 HMAC-SHA256 of the notification URL followed by the body, key used as UTF-8 (Square-like)', () => {
    const key = 'sq0wss-signature-key/+=';
    const v = verifier({ header: 'x-square-hmacsha256-signature', encoding: 'base64', signed_payload: 'url_body', url, secret: key });
    const good = sign('sha256', key, url + body.toString('utf8'), 'base64');
    expect(v.verify({ rawBody: body, headers: { 'x-square-hmacsha256-signature': good }, url: '/webhooks/square' })).toEqual({ ok: true });
    const bodyOnly = sign('sha256', key, body, 'base64');
    expect(v.verify({ rawBody: body, headers: { 'x-square-hmacsha256-signature': bodyOnly }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
    const otherUrl = sign('sha256', key, `${url}/` + body.toString('utf8'), 'base64');
    expect(v.verify({ rawBody: body, headers: { 'x-square-hmacsha256-signature': otherUrl }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  describe('timestamp joined with the body', () => {
    const options: HmacVerifierOptions = { header: 'X-Signature', signed_payload: 'timestamp_body', timestamp_header: 'X-Timestamp', secret: 'ts-secret', tolerance_seconds: 300 };
    const signed = (stamp: string, separator = '.'): Record<string, string> => ({
      'x-timestamp': stamp,
      'x-signature': sign('sha256', 'ts-secret', `${stamp}${separator}${body.toString('utf8')}`, 'hex'),
    });
    const seconds = (offset: number): string => String(Math.floor(NOW_MS / 1000) + offset);

    it('accepts a fresh timestamp in seconds or milliseconds', () => {
      const v = verifier(options);
      expect(v.verify({ rawBody: body, headers: signed(seconds(-299)), url: '' })).toEqual({ ok: true });
      expect(v.verify({ rawBody: body, headers: signed(seconds(120)), url: '' })).toEqual({ ok: true });
      expect(v.verify({ rawBody: body, headers: signed(String(NOW_MS - 5_000)), url: '' })).toEqual({ ok: true });
    });

    it('rejects a stale timestamp and a future one beyond the tolerance, even when correctly signed', () => {
      const v = verifier(options);
      expect(v.verify({ rawBody: body, headers: signed(seconds(-301)), url: '' })).toEqual({ ok: false, reason: 'stale' });
      expect(v.verify({ rawBody: body, headers: signed(seconds(301)), url: '' })).toEqual({ ok: false, reason: 'stale' });
      expect(v.verify({ rawBody: body, headers: signed(String(NOW_MS - 3_600_000)), url: '' })).toEqual({ ok: false, reason: 'stale' });
    });

    it('defaults the tolerance to 300 s and honours a custom separator', () => {
      const v = verifier({ ...options, tolerance_seconds: undefined, separator: ':' } as HmacVerifierOptions);
      expect(v.verify({ rawBody: body, headers: signed(seconds(-290), ':'), url: '' })).toEqual({ ok: true });
      expect(v.verify({ rawBody: body, headers: signed(seconds(-290), '.'), url: '' })).toEqual({ ok: false, reason: 'mismatch' });
      expect(v.verify({ rawBody: body, headers: signed(seconds(-310), ':'), url: '' })).toEqual({ ok: false, reason: 'stale' });
    });

    it('rejects a moved timestamp (signature over another time), a missing one and a non-numeric one', () => {
      const v = verifier(options);
      const headers = signed(seconds(-10));
      expect(v.verify({ rawBody: body, headers: { ...headers, 'x-timestamp': seconds(-9) }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
      expect(v.verify({ rawBody: body, headers: { 'x-signature': headers['x-signature']! }, url: '' })).toEqual({ ok: false, reason: 'missing' });
      expect(v.verify({ rawBody: body, headers: { ...headers, 'x-timestamp': 'yesterday' }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
    });
  });

  describe('several header names', () => {
    const names = ['Storq-Signature', 'storq.io-signature'];
    const hex = sign('sha256', 'k', body, 'hex');

    it('reads one name given as a string or as a one-item list the same way', () => {
      for (const header of ['X-Signature', ['X-Signature']]) {
        const v = verifier({ header, secret: 'k' });
        expect(v.verify({ rawBody: body, headers: { 'x-signature': hex }, url: '' }), String(header)).toEqual({ ok: true });
      }
    });

    it('accepts the signature under either name, whatever the case of the name', () => {
      const v = verifier({ header: names, secret: 'k' });
      expect(v.verify({ rawBody: body, headers: { 'storq-signature': hex }, url: '' })).toEqual({ ok: true });
      expect(v.verify({ rawBody: body, headers: { 'storq.io-signature': hex }, url: '' })).toEqual({ ok: true });
      expect(v.verify({ rawBody: body, headers: { 'STORQ.IO-SIGNATURE': hex.toUpperCase() }, url: '' })).toEqual({ ok: true });
    });

    it('reads only the first name present: a bad signature there is not rescued by a good one under the second', () => {
      const v = verifier({ header: names, secret: 'k' });
      const headers = { 'storq-signature': sign('sha256', 'other', body, 'hex'), 'storq.io-signature': hex };
      expect(v.verify({ rawBody: body, headers, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
      // A blank first header counts as absent, as a blank single header does.
      expect(v.verify({ rawBody: body, headers: { 'storq-signature': ' ', 'storq.io-signature': hex }, url: '' })).toEqual({ ok: true });
    });

    it('reports a delivery carrying none of the names as missing', () => {
      const v = verifier({ header: names, secret: 'k' });
      expect(v.verify({ rawBody: body, headers: { 'x-signature': hex }, url: '' })).toEqual({ ok: false, reason: 'missing' });
    });

    it('takes a non-empty list of non-empty names in its schema', () => {
      const validate = createAjv('draft-07', { allErrors: true, allowUnionTypes: true }).compile(HMAC_OPTIONS_SCHEMA);
      expect(validate({ header: names, secret: 's' })).toBe(true);
      expect(validate({ header: [], secret: 's' })).toBe(false);
      expect(validate({ header: ['X', ''], secret: 's' })).toBe(false);
      expect(validate({ header: 7, secret: 's' })).toBe(false);
    });
  });

  it('strips a declared prefix ("sha256=") and requires it', () => {
    const v = verifier({ header: 'X-Hub-Signature-256', prefix: 'sha256=', secret: 'gh' });
    const hex = sign('sha256', 'gh', body, 'hex');
    expect(v.verify({ rawBody: body, headers: { 'x-hub-signature-256': `sha256=${hex}` }, url: '' })).toEqual({ ok: true });
    expect(v.verify({ rawBody: body, headers: { 'x-hub-signature-256': hex }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(v.verify({ rawBody: body, headers: { 'x-hub-signature-256': `sha1=${hex}` }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts the old and the new secret during a rotation and rejects a third', () => {
    const v = verifier({ header: 'Storq-Signature', secrets: ['old-secret', 'new-secret'] });
    for (const key of ['old-secret', 'new-secret']) {
      expect(v.verify({ rawBody: body, headers: { 'storq-signature': sign('sha256', key, body, 'hex') }, url: '' })).toEqual({ ok: true });
    }
    expect(v.verify({ rawBody: body, headers: { 'storq-signature': sign('sha256', 'third-secret', body, 'hex') }, url: '' })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('verifies sha1 and sha512 digests, and rejects a digest of another algorithm by its length', () => {
    const sha1 = verifier({ header: 'X-Signature', algorithm: 'sha1', encoding: 'base64', secret: 'k' });
    expect(sha1.verify({ rawBody: body, headers: { 'x-signature': sign('sha1', 'k', body, 'base64') }, url: '' })).toEqual({ ok: true });
    expect(sha1.verify({ rawBody: body, headers: { 'x-signature': sign('sha256', 'k', body, 'base64') }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
    const sha512 = verifier({ header: 'X-Signature', algorithm: 'sha512', secret: 'k' });
    expect(sha512.verify({ rawBody: body, headers: { 'x-signature': sign('sha512', 'k', body, 'hex') }, url: '' })).toEqual({ ok: true });
  });

  it('rejects a signed body that was re-indented: verification sees only the raw bytes', () => {
    const v = verifier({ header: 'Storq-Signature', secret: 's' });
    const signature = sign('sha256', 's', body, 'hex');
    const reindented = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')), null, 2));
    expect(v.verify({ rawBody: reindented, headers: { 'storq-signature': signature }, url: '' })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('accepts any one of several values: a comma list or a repeated header', () => {
    const v = verifier({ header: 'X-Signature', prefix: 'v1=', secret: 'k' });
    const good = sign('sha256', 'k', body, 'hex');
    const bad = sign('sha256', 'other', body, 'hex');
    expect(v.verify({ rawBody: body, headers: { 'x-signature': `v1=${bad}, v1=${good}` }, url: '' })).toEqual({ ok: true });
    expect(v.verify({ rawBody: body, headers: { 'x-signature': [`v1=${bad}`, `v1=${good}`] }, url: '' })).toEqual({ ok: true });
  });

  it('rejects missing, empty, malformed and wrong-length signatures without throwing', () => {
    const v = verifier({ header: 'X-Signature', encoding: 'base64', secret: 'k' });
    const good = sign('sha256', 'k', body, 'base64');
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'missing'],
      [{ 'x-signature': '' }, 'missing'],
      [{ 'x-signature': '   ' }, 'missing'],
      [{ 'x-signature': '!!!not base64!!!' }, 'mismatch'],
      [{ 'x-signature': good.slice(0, -4) }, 'mismatch'],
      [{ 'x-signature': good + good }, 'mismatch'],
      [{ 'x-signature': 'x'.repeat(100_000) }, 'mismatch'],
      [{ 'x-signature': ','.repeat(10_000) }, 'mismatch'],
    ];
    for (const [headers, reason] of cases) expect(v.verify({ rawBody: body, headers, url: '' })).toEqual({ ok: false, reason });
  });

  it('rejects an empty body even with a signature of it', () => {
    const v = verifier({ header: 'X-Signature', secret: 'k' });
    expect(v.verify({ rawBody: Buffer.alloc(0), headers: { 'x-signature': sign('sha256', 'k', '', 'hex') }, url: '' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('fails closed without a secret: every request is refused with no_secret, and it says so once', () => {
    const lines: string[] = [];
    for (const options of [{ header: 'X-Signature' }, { header: 'X-Signature', secret: '' }, { header: 'X-Signature', secrets: ['', ''] }]) {
      const v = hmacVerifier.create(options, ctx(NOW_MS, lines));
      expect(v.verify({ rawBody: body, headers: { 'x-signature': sign('sha256', '', body, 'hex') }, url: '' })).toEqual({ ok: false, reason: 'no_secret' });
      expect(v.verify({ rawBody: body, headers: {}, url: '' })).toEqual({ ok: false, reason: 'no_secret' });
    }
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/no secret/);
  });

  it('states its option rules in its schema: the URL and timestamp header its payload needs, one secret or several', () => {
    const validate = createAjv('draft-07', { allErrors: true, allowUnionTypes: true }).compile(HMAC_OPTIONS_SCHEMA);
    expect(validate({ header: 'X', secret: 's', signed_payload: 'url_body', url })).toBe(true);
    expect(validate({ header: 'X', secret: 's', signed_payload: 'url_body' })).toBe(false);
    expect(validate({ header: 'X', secret: 's', signed_payload: 'timestamp_body' })).toBe(false);
    expect(validate({ header: 'X', secret: 's', algorithm: 'md5' })).toBe(false);
    expect(validate({ header: 'X' })).toBe(false);
    expect(validate({ header: 'X', secret: 's', secrets: ['t'] })).toBe(false);
    expect(validate({ header: 'X', secrets: ['s', 't'] })).toBe(true);
  });
});
