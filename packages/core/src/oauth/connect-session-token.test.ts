import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../auth/index.js';
import { isConnectdError } from '../errors/index.js';
import { SESSION_KEY_INFO, sessionKeyFrom, signSessionToken, verifySessionToken } from './connect-session-token.js';
import { createTokenId } from './signed-token.js';
import { signState, stateKeyFrom, verifyState } from './state.js';

const NOW_MS = Date.parse('2025-06-01T12:00:00Z');
const TTL_MS = 1_800_000;
const keys = new KeyRing(randomBytes(32));
const key = sessionKeyFrom(keys);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe('connect session token', () => {
  it('round-trips the session id and its expiry through a URL-safe token until it expires', () => {
    const id = createTokenId();
    const token = signSessionToken({ id, expiresAtMs: NOW_MS + TTL_MS }, key);
    expect(encodeURIComponent(token)).toBe(token);
    expect(verifySessionToken('crm', token, key, NOW_MS)).toEqual({ id, expiresAtMs: NOW_MS + TTL_MS });
    expect(verifySessionToken('crm', token, key, NOW_MS + TTL_MS - 1)).toEqual({ id, expiresAtMs: NOW_MS + TTL_MS });
    expect(codeOf(() => verifySessionToken('crm', token, key, NOW_MS + TTL_MS))).toBe('CONNECTD_ERR_OAUTH_SESSION_EXPIRED');
  });

  it('refuses a missing token as "a session is required", and a tampered or foreign one as invalid', () => {
    for (const missing of [undefined, null, '']) expect(codeOf(() => verifySessionToken('crm', missing, key, NOW_MS))).toBe('CONNECTD_ERR_OAUTH_SESSION_REQUIRED');
    const token = signSessionToken({ id: 'session-a', expiresAtMs: NOW_MS + TTL_MS }, key);
    const [payload, signature] = token.split('.') as [string, string];
    const longer = Buffer.from(JSON.stringify({ id: 'session-a', exp: NOW_MS + 100 * TTL_MS })).toString('base64url');
    const other = Buffer.from(JSON.stringify({ id: 'session-b', exp: NOW_MS + TTL_MS })).toString('base64url');
    for (const forged of [
      `${payload}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
      `${longer}.${signature}`,
      `${other}.${signature}`,
      payload,
      `${payload}.${signature}.x`,
      'x'.repeat(600),
      signSessionToken({ id: 'session-a', expiresAtMs: NOW_MS + TTL_MS }, sessionKeyFrom(new KeyRing(randomBytes(32)))),
    ]) {
      expect(codeOf(() => verifySessionToken('crm', forged, key, NOW_MS)), forged).toBe('CONNECTD_ERR_OAUTH_SESSION_INVALID');
    }
  });

  it('uses a key of its own: a state is never a session token, nor a session token a state', () => {
    expect(key.equals(Buffer.from(hkdfSync('sha256', keys.key(keys.currentKeyId)!, Buffer.alloc(0), SESSION_KEY_INFO, 32)))).toBe(true);
    const stateKey = stateKeyFrom(keys);
    expect(stateKey.equals(key)).toBe(false);
    const state = signState({ id: 'flow-a', expiresAtMs: NOW_MS + TTL_MS }, stateKey);
    expect(codeOf(() => verifySessionToken('crm', state, key, NOW_MS))).toBe('CONNECTD_ERR_OAUTH_SESSION_INVALID');
    const session = signSessionToken({ id: 'session-a', expiresAtMs: NOW_MS + TTL_MS }, key);
    expect(codeOf(() => verifyState(session, stateKey, NOW_MS))).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
  });

  it('is the same key in every process sharing CONNECTD_SECRET_KEY, whatever the previous keys', () => {
    const current = randomBytes(32);
    expect(sessionKeyFrom(new KeyRing(current)).equals(sessionKeyFrom(new KeyRing(current, [randomBytes(32)])))).toBe(true);
    expect(sessionKeyFrom(new KeyRing(randomBytes(32), [current])).equals(sessionKeyFrom(new KeyRing(current)))).toBe(false);
  });
});
