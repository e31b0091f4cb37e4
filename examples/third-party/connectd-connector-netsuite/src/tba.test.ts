import { describe, expect, it } from 'vitest';
import { testComponent } from '@connectd/core/testing';
import type { OutgoingRequest } from '@connectd/core/connector';
import { oauthEncode, signatureBaseString } from './oauth1.js';
import { netsuiteTba, realmOf, signRequest, type TbaOptions } from './tba.js';
import { FakeTbaVerifier, parseOAuthHeader } from './testing/fake-tba-verifier.js';
import { FAKE_TBA_CREDENTIALS } from './testing/fake-netsuite.js';

const OPTIONS: TbaOptions = {
  account: FAKE_TBA_CREDENTIALS.account,
  consumer_key: FAKE_TBA_CREDENTIALS.consumerKey,
  consumer_secret: FAKE_TBA_CREDENTIALS.consumerSecret,
  token_id: FAKE_TBA_CREDENTIALS.tokenId,
  token_secret: FAKE_TBA_CREDENTIALS.tokenSecret,
};
const ORIGIN = 'https://1234567-sb1.suitetalk.api.netsuite.com';
const request: OutgoingRequest = {
  method: 'POST',
  url: `${ORIGIN}/services/rest/query/v1/suiteql?limit=1000&offset=2000`,
  headers: { Prefer: 'transient', 'content-type': 'application/json' },
  body: '{"q":"SELECT id FROM location ORDER BY id"}',
};
const NOW = new Date('2026-12-07T12:00:00Z');
const verifier = (): FakeTbaVerifier => new FakeTbaVerifier(FAKE_TBA_CREDENTIALS, () => NOW.getTime());
const verdictOf = (v: FakeTbaVerifier, signed: OutgoingRequest) => {
  const url = new URL(signed.url);
  return v.verify({ method: signed.method, origin: url.origin, url: `${url.pathname}${url.search}`, authorization: signed.headers['Authorization'] });
};

describe('OAuth 1.0a base string', () => {
  it("matches NetSuite's published base string for the TBA flow's step one (HMAC-SHA256)", () => {
    // Inputs and expected text from NetSuite's help, "Constructing the Signature for Step One of the TBA Authorization Flow".
    const key = '60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5';
    const base = signatureBaseString('POST', 'https://1234567.restlets.api.netsuite.com/rest/requesttoken', {
      oauth_callback: 'https://my.example.com/TBA/?callbackRequest',
      oauth_consumer_key: key,
      oauth_nonce: 'bUvpxBX93OWo0FLswq5M',
      oauth_signature_method: 'HMAC-SHA256',
      oauth_timestamp: '1575998103',
      oauth_version: '1.0',
      role: '45678',
    });
    expect(base).toBe(
      'POST&https%3A%2F%2F1234567.restlets.api.netsuite.com%2Frest%2Frequesttoken&oauth_callback%3Dhttps%253A%252F%252Fmy.example.com' +
        `%252FTBA%252F%253FcallbackRequest%26oauth_consumer_key%3D${key}%26oauth_nonce%3DbUvpxBX93OWo0FLswq5M%26oauth_signature_method` +
        '%3DHMAC-SHA256%26oauth_timestamp%3D1575998103%26oauth_version%3D1.0%26role%3D45678',
    );
  });

  it('encodes as RFC 3986 wants: spaces as %20, reserved sub-delimiters escaped, unreserved kept', () => {
    expect(oauthEncode("a b+c!*'()~-._é")).toBe('a%20b%2Bc%21%2A%27%28%29~-._%C3%A9');
  });
});

describe('netsuite/tba', () => {
  it('signs every request so an independent verifier accepts it, with a fresh nonce each time and the realm in account form', async () => {
    const fake = verifier();
    const report = await testComponent(netsuiteTba, {
      context: { now: () => NOW },
      valid: [
        {
          name: 'credentials as connectors.yaml gives them',
          options: OPTIONS,
          check: async (auth) => {
            const first = await auth.authorize(request);
            const second = await auth.authorize(request);
            expect([verdictOf(fake, first), verdictOf(fake, second)]).toEqual([{ ok: true }, { ok: true }]);
            const fields = parseOAuthHeader(first.headers['Authorization']!)!;
            expect(fields.get('realm')).toBe('1234567_SB1');
            expect(fields.get('oauth_timestamp')).toBe(String(NOW.getTime() / 1000));
            expect(fields.get('oauth_nonce')).not.toBe(parseOAuthHeader(second.headers['Authorization']!)!.get('oauth_nonce'));
            expect(first.headers['Prefer']).toBe('transient');
            expect(auth.refresh).toBeUndefined();
          },
        },
        { name: 'host-name form of a sandbox account', options: { ...OPTIONS, account: '1234567-sb1' } },
      ],
      invalid: [
        { name: 'no token secret', options: { ...OPTIONS, token_secret: undefined }, error: "must have required property 'token_secret'" },
        { name: 'empty consumer key', options: { ...OPTIONS, consumer_key: '' }, error: 'must NOT have fewer than 1 characters' },
        { name: 'a URL as account', options: { ...OPTIONS, account: 'https://1234567.app.netsuite.com' }, error: 'must match pattern' },
        { name: 'unknown option', options: { ...OPTIONS, signature_method: 'HMAC-SHA1' }, error: 'must NOT have additional properties' },
      ],
    });
    expect(report).toEqual({ valid: 2, invalid: 4 });
  });

  it('is refused when any signed part changes: URL, method, secret, or a replayed nonce', () => {
    const fake = verifier();
    const once = { timestamp: NOW.getTime() / 1000, nonce: 'n0nce-1' };
    const signed = signRequest(request, OPTIONS, once);
    const moved = { ...signed, url: signed.url.replace('offset=2000', 'offset=3000') };
    expect(verdictOf(fake, moved)).toEqual({ ok: false, reason: 'signature' });
    expect(verdictOf(fake, { ...signed, method: 'GET' })).toEqual({ ok: false, reason: 'signature' });
    expect(verdictOf(fake, signRequest(request, { ...OPTIONS, token_secret: 'wrong' }, { ...once, nonce: 'n0nce-2' }))).toEqual({ ok: false, reason: 'signature' });
    expect(verdictOf(fake, signed)).toEqual({ ok: true });
    expect(verdictOf(fake, signed)).toEqual({ ok: false, reason: 'nonce_reused' });
    expect(verdictOf(fake, signRequest(request, OPTIONS, { timestamp: once.timestamp - 3600, nonce: 'n0nce-3' }))).toEqual({ ok: false, reason: 'stale' });
  });

  it('replaces an Authorization header already on the request instead of sending two', () => {
    const signed = signRequest({ ...request, headers: { ...request.headers, authorization: 'Bearer old' } }, OPTIONS, { timestamp: 1, nonce: 'x' });
    expect(Object.keys(signed.headers).filter((h) => h.toLowerCase() === 'authorization')).toEqual(['Authorization']);
    expect(realmOf('1234567')).toBe('1234567');
  });
});
