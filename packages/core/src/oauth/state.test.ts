import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../auth/index.js';
import { isConnectdError } from '../errors/index.js';
import { FLOW_ID_BYTES, STATE_KEY_INFO, createFlowId, signState, stateKeyFrom, verifyState } from './state.js';

const key = randomBytes(32);
const NOW_MS = Date.parse('2025-06-01T12:00:00Z');
const TTL_MS = 600_000;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isConnectdError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe('OAuth state', () => {
  it('round-trips the flow id through an opaque URL-safe text', () => {
    const id = createFlowId();
    const state = signState({ id, expiresAtMs: NOW_MS + TTL_MS }, key);
    expect(state).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(encodeURIComponent(state)).toBe(state);
    expect(verifyState(state, key, NOW_MS)).toEqual({ id });
    expect(verifyState(state, key, NOW_MS + TTL_MS - 1)).toEqual({ id });
  });

  it('refuses a state with any character of its signature changed', () => {
    const state = signState({ id: createFlowId(), expiresAtMs: NOW_MS + TTL_MS }, key);
    const dot = state.indexOf('.');
    for (let i = dot + 1; i < state.length; i++) {
      const changed = state.slice(0, i) + (state[i] === 'A' ? 'B' : 'A') + state.slice(i + 1);
      expect(codeOf(() => verifyState(changed, key, NOW_MS)), `position ${i}`).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
    }
  });

  it('refuses a state whose id or expiry was changed, or signed with another key', () => {
    const state = signState({ id: 'flow-a', expiresAtMs: NOW_MS + TTL_MS }, key);
    const signature = state.split('.')[1]!;
    const payload = (claims: object): string => Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(codeOf(() => verifyState(`${payload({ id: 'flow-b', exp: NOW_MS + TTL_MS })}.${signature}`, key, NOW_MS))).toBe(
      'CONNECTD_ERR_OAUTH_STATE_INVALID',
    );
    expect(codeOf(() => verifyState(`${payload({ id: 'flow-a', exp: NOW_MS + 10 * TTL_MS })}.${signature}`, key, NOW_MS))).toBe(
      'CONNECTD_ERR_OAUTH_STATE_INVALID',
    );
    expect(codeOf(() => verifyState(state, randomBytes(32), NOW_MS))).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
  });

  it('refuses missing and malformed states', () => {
    const valid = signState({ id: 'flow-a', expiresAtMs: NOW_MS + TTL_MS }, key);
    for (const text of [null, undefined, '', 'abc', 'a.b.c', `${valid}.x`, `${valid} `, valid.replace('.', '..'), `${'a'.repeat(600)}.${'b'.repeat(43)}`]) {
      expect(codeOf(() => verifyState(text, key, NOW_MS)), String(text)).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
    }
  });

  it('refuses a correctly signed payload that is not a state', () => {
    for (const claims of ['not json', '{"id":"","exp":1}', '{"id":"x"}', '{"id":1,"exp":1}', '[]']) {
      const payload = Buffer.from(claims).toString('base64url');
      const forged = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
      expect(codeOf(() => verifyState(forged, key, NOW_MS)), claims).toBe('CONNECTD_ERR_OAUTH_STATE_INVALID');
    }
  });

  it('refuses a state at and after its expiry, and says it expired', () => {
    const state = signState({ id: 'flow-a', expiresAtMs: NOW_MS + TTL_MS }, key);
    expect(codeOf(() => verifyState(state, key, NOW_MS + TTL_MS))).toBe('CONNECTD_ERR_OAUTH_STATE_EXPIRED');
    expect(codeOf(() => verifyState(state, key, NOW_MS + 10 * TTL_MS))).toBe('CONNECTD_ERR_OAUTH_STATE_EXPIRED');
  });

  it('never puts the state text in an error', () => {
    const state = signState({ id: 'flow-secret-id', expiresAtMs: NOW_MS }, key);
    for (const text of [state, `${state.slice(0, -1)}x`]) {
      try {
        verifyState(text, key, NOW_MS + 1);
      } catch (err) {
        const shown = `${(err as Error).message} ${JSON.stringify(err)}`;
        expect(shown).not.toContain(state.split('.')[1]!);
        expect(shown).not.toContain('flow-secret-id');
      }
    }
  });

  it('makes random flow ids of 16 bytes, base64url', () => {
    const ids = new Set(Array.from({ length: 100 }, () => createFlowId()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(FLOW_ID_BYTES);
    }
  });
});

describe('stateKeyFrom', () => {
  it('derives a stable key from the current vault key with HKDF-SHA256, never the vault key itself', () => {
    const current = randomBytes(32);
    const derived = stateKeyFrom(new KeyRing(current));
    expect(derived).toHaveLength(32);
    expect(derived.equals(current)).toBe(false);
    expect(derived.equals(Buffer.from(hkdfSync('sha256', current, Buffer.alloc(0), STATE_KEY_INFO, 32)))).toBe(true);
    // Another process with the same key (and any previous keys) accepts the same states.
    expect(stateKeyFrom(new KeyRing(current, [randomBytes(32)])).equals(derived)).toBe(true);
    expect(stateKeyFrom(new KeyRing(randomBytes(32), [current])).equals(derived)).toBe(false);
  });
});
