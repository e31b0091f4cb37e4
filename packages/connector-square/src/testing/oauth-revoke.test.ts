import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSquare, type FakeSquare } from './index.js';

let square: FakeSquare;
beforeEach(async () => {
  square = await startFakeSquare({ now: () => Date.parse('2025-03-01T12:00:00Z') });
});
afterEach(async () => {
  await square.close();
});

async function revoke(body: Record<string, unknown>, authorization: string | null = `Client ${square.applicationSecret}`): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  const response = await fetch(square.revokeUrl, { method: 'POST', headers, body: JSON.stringify({ client_id: square.applicationId, ...body }) });
  return { status: response.status, json: await response.json() };
}
const locations = async (token: string): Promise<[number, string | undefined]> => {
  const response = await fetch(`${square.url}/v2/locations`, { headers: { authorization: `Bearer ${token}` } });
  const json = (await response.json()) as { errors?: Array<{ code: string }> };
  return [response.status, json.errors?.[0]?.code];
};
const refresh = async (refreshToken: string): Promise<number> =>
  (
    await fetch(square.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: square.applicationId, client_secret: square.applicationSecret, grant_type: 'refresh_token', refresh_token: refreshToken }),
    })
  ).status;

describe('POST /oauth2/revoke', () => {
  it("revokes every token of the seller, whichever one is named: the API answers ACCESS_TOKEN_REVOKED and refresh is invalid_grant", async () => {
    const first = square.issueTokens();
    const second = square.issueTokens();
    expect(await revoke({ access_token: first.access_token })).toEqual({ status: 200, json: { success: true } });
    expect(await locations(first.access_token)).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
    expect(await locations(second.access_token)).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
    expect(await refresh(second.refresh_token!)).toBe(400);
    expect(square.revocations).toEqual([{ at: '2025-03-01T12:00:00.000Z', merchantId: 'MLQW2MYBY81PZ', revokerType: 'APPLICATION', by: 'access_token', onlyAccessToken: false, accessTokensRevoked: 2 }]);
    expect(square.tokensOf().every((t) => t.revoked)).toBe(true);
  });

  it('revokes by merchant_id, leaving other sellers alone', async () => {
    const other = square.addMerchant();
    const mine = square.issueTokens();
    const theirs = square.issueTokens({ merchantId: other.id });
    expect((await revoke({ merchant_id: 'MLQW2MYBY81PZ' })).json).toEqual({ success: true });
    expect((await locations(mine.access_token))[0]).toBe(401);
    expect((await locations(theirs.access_token))[0]).toBe(200);
    expect(square.revocations[0]).toMatchObject({ by: 'merchant_id', merchantId: 'MLQW2MYBY81PZ' });
  });

  it('with revoke_only_access_token ends the named access token only; the refresh token still works', async () => {
    const first = square.issueTokens();
    const second = square.issueTokens();
    expect((await revoke({ access_token: first.access_token, revoke_only_access_token: true })).json).toEqual({ success: true });
    expect(await locations(first.access_token)).toEqual([401, 'ACCESS_TOKEN_REVOKED']);
    expect((await locations(second.access_token))[0]).toBe(200);
    expect(await refresh(first.refresh_token!)).toBe(200);
    expect(square.revocations[0]).toMatchObject({ onlyAccessToken: true, accessTokensRevoked: 1 });
  });

  it('refuses without the Client secret header, with both or neither of access_token and merchant_id, and for an unknown token', async () => {
    const { access_token: accessToken } = square.issueTokens();
    const cases: Array<[Record<string, unknown>, string | null, number, string]> = [
      [{ access_token: accessToken }, null, 401, 'UNAUTHORIZED'],
      [{ access_token: accessToken }, `Bearer ${accessToken}`, 401, 'UNAUTHORIZED'],
      [{ access_token: accessToken }, 'Client sq0csp-wrong', 401, 'UNAUTHORIZED'],
      [{ access_token: accessToken, client_id: 'sq0idp-other' }, `Client ${square.applicationSecret}`, 401, 'UNAUTHORIZED'],
      [{ access_token: accessToken, merchant_id: 'MLQW2MYBY81PZ' }, `Client ${square.applicationSecret}`, 400, 'CONFLICTING_PARAMETERS'],
      [{}, `Client ${square.applicationSecret}`, 400, 'MISSING_REQUIRED_PARAMETER'],
      [{ access_token: 'EAAAunknown' }, `Client ${square.applicationSecret}`, 404, 'NOT_FOUND'],
      [{ merchant_id: 'NEVERAUTHORIZED' }, `Client ${square.applicationSecret}`, 404, 'NOT_FOUND'],
    ];
    for (const [body, authorization, status, code] of cases) {
      const answer = await revoke(body, authorization);
      expect([answer.status, answer.json.errors?.[0]?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await locations(accessToken))[0]).toBe(200);
    expect(square.revocations).toEqual([]);
  });

  it("records a seller's revocation outside the API and returns its oauth.authorization.revoked event", async () => {
    const { access_token: accessToken } = square.issueTokens();
    const { revocation, event } = square.merchant().revokeAuthorization();
    expect(revocation).toEqual({ at: '2025-03-01T12:00:00.000Z', merchantId: 'MLQW2MYBY81PZ', revokerType: 'MERCHANT', by: null, onlyAccessToken: false, accessTokensRevoked: 1 });
    expect(event).toMatchObject({ merchant_id: 'MLQW2MYBY81PZ', type: 'oauth.authorization.revoked', data: { type: 'revocation', object: { revocation: { revoked_at: revocation.at, revoker_type: 'MERCHANT' } } } });
    expect((await locations(accessToken))[0]).toBe(401);
    expect(square.revocations).toEqual([revocation]);
  });
});
