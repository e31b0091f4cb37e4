import { describe, expect, it } from 'vitest';
import { csrfToken, csrfValid, issueSession, loginAllowed, originAllowed, sessionCookie, sessionFromCookies, SESSION_TTL_MS, sessionValid } from './session.js';

const TOKEN = 'adm1n-session-test-0f3a9c';
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('the operations page session', () => {
  it('is accepted by any holder of the same admin token until it expires, and by nobody else', () => {
    const session = issueSession(TOKEN, NOW);
    expect(session).toMatch(/^v1\.\d{13}\.[A-Za-z0-9_-]{43}$/);
    expect(sessionValid(TOKEN, session, NOW + SESSION_TTL_MS - 1)).toBe(true);
    expect(sessionValid(TOKEN, session, NOW + SESSION_TTL_MS)).toBe(false);
    expect(sessionValid(`${TOKEN}x`, session, NOW)).toBe(false);
    expect(sessionValid(undefined, session, NOW)).toBe(false);
  });

  it('refuses a session whose expiry or signature was changed', () => {
    const [version, expiry, mac] = issueSession(TOKEN, NOW).split('.') as [string, string, string];
    expect(sessionValid(TOKEN, `${version}.${Number(expiry) + 3_600_000}.${mac}`, NOW)).toBe(false);
    expect(sessionValid(TOKEN, `${version}.${expiry}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, NOW)).toBe(false);
    expect(sessionValid(TOKEN, `v2.${expiry}.${mac}`, NOW)).toBe(false);
    expect(sessionValid(TOKEN, '', NOW)).toBe(false);
  });

  it('binds the CSRF token to its session and never takes the session for it', () => {
    const one = issueSession(TOKEN, NOW);
    const other = issueSession(TOKEN, NOW + 1);
    expect(csrfValid(TOKEN, one, csrfToken(TOKEN, one))).toBe(true);
    expect(csrfValid(TOKEN, one, csrfToken(TOKEN, other))).toBe(false);
    expect(csrfValid(TOKEN, one, one)).toBe(false);
    expect(csrfValid(TOKEN, one, null)).toBe(false);
    expect(csrfValid(TOKEN, one, '')).toBe(false);
  });

  it('lets only the admin token log in, and nobody when none is configured', () => {
    expect(loginAllowed(TOKEN, TOKEN)).toBe(true);
    expect(loginAllowed(TOKEN, TOKEN.slice(0, -1))).toBe(false);
    expect(loginAllowed(TOKEN, null)).toBe(false);
    expect(loginAllowed(undefined, '')).toBe(false);
    expect(loginAllowed('', '')).toBe(false);
  });

  it('accepts no Origin, the host asked for and the public URL, and refuses any other', () => {
    expect(originAllowed(undefined, '127.0.0.1:3000', undefined)).toBe(true);
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', undefined)).toBe(true);
    expect(originAllowed('https://connect.example.com', 'internal:3000', 'https://connect.example.com/')).toBe(true);
    expect(originAllowed('https://evil.example', '127.0.0.1:3000', 'https://connect.example.com')).toBe(false);
    expect(originAllowed('null', '127.0.0.1:3000', undefined)).toBe(false);
  });

  it('writes an HttpOnly, SameSite=Strict cookie scoped to /ui, Secure on https, and reads it back', () => {
    expect(sessionCookie('v1.1.x', { secure: false })).toBe('connectd_ui=v1.1.x; HttpOnly; SameSite=Strict; Path=/ui; Max-Age=43200');
    expect(sessionCookie('v1.1.x', { secure: true })).toMatch(/; Secure$/);
    expect(sessionCookie(undefined, { secure: false })).toContain('Max-Age=0');
    expect(sessionFromCookies('a=1; connectd_ui=v1.2.y; b=2')).toBe('v1.2.y');
    expect(sessionFromCookies(undefined)).toBeUndefined();
  });
});
