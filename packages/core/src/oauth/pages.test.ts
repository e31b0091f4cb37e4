import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DAEMON_UNAUTHORIZED,
  INTERNAL,
  OAUTH_ACCESS_DENIED,
  OAUTH_CALLBACK_INVALID,
  OAUTH_CONNECTION_CONFLICT,
  OAUTH_SESSION_EXPIRED,
  OAUTH_SESSION_INVALID,
  OAUTH_SESSION_REQUIRED,
  OAUTH_SESSION_USED,
  OAUTH_START_INVALID,
  OAUTH_STATE_EXPIRED,
  OAUTH_STATE_INVALID,
  OAUTH_STATE_USED,
  OAUTH_UNKNOWN_CONNECTOR,
  OAUTH_VENDOR_ERROR,
  defineError,
} from '../errors/index.js';
import { CONSENT_ERROR_HTTP_STATUS } from './consent.js';
import { OAUTH_PAGE_HEADERS, oauthErrorPage, oauthSuccessPage, renderOAuthPage } from './pages.js';

/** What a page shows a person: its text without tags. */
const visibleText = (html: string): string =>
  html
    .replace(/<style>[\s\S]*<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('OAuth result pages', () => {
  it('escapes every text and loads nothing: no script, no external resource', () => {
    const html = renderOAuthPage({ title: '<script>alert(1)</script>', message: '"quoted" & <b>bold</b>', code: "CODE'<x>" });
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;quoted&#34; &#38; &#60;b&#62;bold&#60;/b&#62;');
    expect(html).toContain('CODE&#39;&#60;x&#62;');
    expect(html).not.toMatch(/\b(src|href|action)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('sends a CSP that allows exactly the page style, and no referrer', () => {
    const html = oauthSuccessPage();
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(OAUTH_PAGE_HEADERS['content-security-policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(OAUTH_PAGE_HEADERS['content-security-policy']).toContain("default-src 'none'");
    expect(OAUTH_PAGE_HEADERS['referrer-policy']).toBe('no-referrer');
    expect(OAUTH_PAGE_HEADERS['cache-control']).toBe('no-store');
  });

  it('tells a person the account is connected', () => {
    expect(visibleText(oauthSuccessPage())).toContain('Your account is connected');
  });

  it('explains each consent failure in words, with its code and HTTP status', () => {
    const cases = [
      [OAUTH_STATE_EXPIRED({ expiredAt: '2025-01-01T00:00:00.000Z' }), 400, 'This sign-in link has expired. Start again from your app.'],
      [OAUTH_STATE_USED({}), 400, 'already been used'],
      [OAUTH_STATE_INVALID({ reason: 'signature' }), 400, 'Start again from your app.'],
      [OAUTH_ACCESS_DENIED({ connector: 'crm' }), 403, 'You chose not to grant access, so nothing was connected.'],
      [OAUTH_VENDOR_ERROR({ connector: 'crm', error: 'invalid_scope' }), 502, '“invalid_scope”'],
      [OAUTH_START_INVALID({ connector: 'crm', parameter: 'shop', reason: 'is required' }), 400, '“shop”'],
      [OAUTH_UNKNOWN_CONNECTOR({ connector: 'crm' }), 404, 'does not connect to'],
      [OAUTH_CALLBACK_INVALID({ connector: 'crm', reason: 'no code' }), 400, 'Nothing was connected.'],
      [OAUTH_CONNECTION_CONFLICT({ connector: 'crm', connectionId: 'x' }), 409, 'another account'],
      [OAUTH_SESSION_REQUIRED({ connector: 'crm' }), 401, 'or POST /api/connect-sessions, and send the user to the url it answers'],
      [OAUTH_SESSION_INVALID({ reason: 'signature' }), 401, 'was not made here, or it was changed'],
      [OAUTH_SESSION_EXPIRED({ expiredAt: '2025-01-01T00:00:00.000Z' }), 401, 'has expired'],
      [OAUTH_SESSION_USED({}), 401, 'works once'],
    ] as const;
    for (const [err, status, words] of cases) {
      const page = oauthErrorPage(err);
      expect(page.status, err.code).toBe(status);
      expect(CONSENT_ERROR_HTTP_STATUS[err.code], err.code).toBe(status);
      expect(visibleText(page.html), err.code).toContain(words);
      expect(page.html, err.code).toContain(`Error code: ${err.code}`);
    }
  });

  it('escapes vendor text that reaches a page', () => {
    const page = oauthErrorPage(OAUTH_VENDOR_ERROR({ connector: 'crm', error: '<img onerror=x>' }));
    expect(page.html).not.toContain('<img');
  });

  it('answers token endpoint failures with 502, other refusals with their status, and anything else with 500', () => {
    const tokenFailure = defineError({ code: 'CONNECTD_ERR_OAUTH_TOKEN_REQUEST_FAILED', meaning: 'm', fix: 'f', message: () => 'x' });
    const vendor = oauthErrorPage(tokenFailure({}));
    expect(vendor.status).toBe(502);
    expect(visibleText(vendor.html)).toContain('did not accept the request to finish connecting');

    // Any registered 4xx error without a page of its own.
    const refused = oauthErrorPage(DAEMON_UNAUTHORIZED({}));
    expect(refused.status).toBe(401);
    expect(visibleText(refused.html)).toContain('Sign-in did not complete');

    const internal = oauthErrorPage(INTERNAL({ message: 'bug' }));
    expect(internal.status).toBe(500);
    expect(visibleText(internal.html)).toContain('failed on our side');
    const plain = oauthErrorPage(new Error('secret-looking detail'));
    expect(plain.status).toBe(500);
    expect(plain.html).not.toContain('secret-looking detail');
  });
});
