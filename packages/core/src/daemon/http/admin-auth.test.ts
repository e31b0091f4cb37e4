import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { checkAdminToken } from './admin-auth.js';

// The comparison is observed, not timed: node:crypto's timingSafeEqual is wrapped so the test sees
// every call and its operands, and still gets the real answer.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const compared = vi.mocked(crypto.timingSafeEqual);

const TOKEN = 'adm1n-0123456789abcdef';

/** The code the check answers with (undefined: the request may pass), and the comparisons it made. */
function check(header: string | undefined, expected: string | undefined): { code: string | undefined; comparisons: Array<[number, number]> } {
  compared.mockClear();
  const code = checkAdminToken(expected, header)?.code;
  return { code, comparisons: compared.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]) };
}

describe('checkAdminToken', () => {
  it('lets the right bearer pass after one comparison of two 32-byte digests', () => {
    expect(check(`Bearer ${TOKEN}`, TOKEN)).toEqual({ code: undefined, comparisons: [[32, 32]] });
    expect(check(`bearer   ${TOKEN} `, TOKEN)).toEqual({ code: undefined, comparisons: [[32, 32]] });
  });

  it('refuses wrong tokens of equal and of different length through the same single comparison, with no early return', () => {
    const wrong = [
      // Equal length, one character off at the start and at the end.
      `X${TOKEN.slice(1)}`,
      `${TOKEN.slice(0, -1)}X`,
      // Prefixes of the right token, down to one character, and the token with more after it.
      TOKEN.slice(0, -1),
      TOKEN.slice(0, 8),
      TOKEN.slice(0, 1),
      `${TOKEN}x`,
      `${TOKEN}${TOKEN}`,
      'x'.repeat(10_000),
    ];
    for (const token of wrong) {
      expect([token, check(`Bearer ${token}`, TOKEN)]).toEqual([token, { code: 'CONNECTD_ERR_DAEMON_UNAUTHORIZED', comparisons: [[32, 32]] }]);
    }
  });

  it('compares even when the header carries no token at all (missing, empty, another scheme, two tokens)', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', TOKEN, `Token ${TOKEN}`, `Bearer ${TOKEN} ${TOKEN}`, `Bearer\r\n${TOKEN}`]) {
      expect([header, check(header, TOKEN)]).toEqual([header, { code: 'CONNECTD_ERR_DAEMON_UNAUTHORIZED', comparisons: [[32, 32]] }]);
    }
  });

  it('keeps the API closed when no token is configured, whatever the request sends', () => {
    for (const expected of [undefined, '']) {
      expect(check(`Bearer ${TOKEN}`, expected).code).toBe('CONNECTD_ERR_DAEMON_ADMIN_DISABLED');
      expect(check('Bearer ', expected).code).toBe('CONNECTD_ERR_DAEMON_ADMIN_DISABLED');
    }
  });
});
