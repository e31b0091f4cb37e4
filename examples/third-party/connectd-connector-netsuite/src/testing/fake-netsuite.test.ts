import { afterEach, describe, expect, it } from 'vitest';
import { signRequest, type TbaOptions } from '../tba.js';
import { INVENTORY_QUERY, LOCATIONS_QUERY } from '../queries.js';
import { FAKE_SUITEQL_PATH, FAKE_TBA_CREDENTIALS, sampleNetsuiteData, startFakeNetsuite, type FakeNetsuite } from './fake-netsuite.js';

const TBA: TbaOptions = {
  account: FAKE_TBA_CREDENTIALS.account,
  consumer_key: FAKE_TBA_CREDENTIALS.consumerKey,
  consumer_secret: FAKE_TBA_CREDENTIALS.consumerSecret,
  token_id: FAKE_TBA_CREDENTIALS.tokenId,
  token_secret: FAKE_TBA_CREDENTIALS.tokenSecret,
};
const fakes: FakeNetsuite[] = [];
afterEach(async () => Promise.all(fakes.splice(0).map((f) => f.close())));

async function fake(now?: () => number): Promise<FakeNetsuite> {
  const started = await startFakeNetsuite({ data: sampleNetsuiteData({ locations: 2, items: 3, orders: 1 }), ...(now === undefined ? {} : { now }) });
  fakes.push(started);
  return started;
}

let nonce = 0;
async function suiteql(ns: FakeNetsuite, q: string, paging: string, options: { tba?: TbaOptions; timestamp?: number; prefer?: boolean } = {}) {
  const signed = signRequest(
    { method: 'POST', url: `${ns.url}${FAKE_SUITEQL_PATH}?${paging}`, headers: { 'content-type': 'application/json', ...(options.prefer === false ? {} : { Prefer: 'transient' }) }, body: JSON.stringify({ q }) },
    options.tba ?? TBA,
    { timestamp: options.timestamp ?? Math.floor(Date.now() / 1000), nonce: `test-${++nonce}` },
  );
  const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body: signed.body as string });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, signed };
}

describe('fake NetSuite', () => {
  it('pages SuiteQL answers by limit and offset with hasMore, links and totalResults', async () => {
    const ns = await fake();
    const first = await suiteql(ns, INVENTORY_QUERY, 'limit=4&offset=0');
    const last = await suiteql(ns, INVENTORY_QUERY, 'limit=4&offset=4');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ count: 4, hasMore: true, offset: 0, totalResults: 6 });
    expect(last.body).toMatchObject({ count: 2, hasMore: false, offset: 4, totalResults: 6 });
    expect((first.body['links'] as Array<{ rel: string }>).map((l) => l.rel)).toEqual(['self', 'next']);
    expect((first.body['items'] as unknown[])[0]).toEqual({ links: [], item: '100', sku: 'SKU-0000', location: '1', quantityonhand: '0', quantityavailable: '0' });
  });

  it("refuses what NetSuite refuses: offsets off the limit's grid, limits over 1000, no Prefer: transient, unknown queries", async () => {
    const ns = await fake();
    const refusals = [
      await suiteql(ns, LOCATIONS_QUERY, 'limit=4&offset=2'),
      await suiteql(ns, LOCATIONS_QUERY, 'limit=1001&offset=0'),
      await suiteql(ns, LOCATIONS_QUERY, 'limit=4&offset=0', { prefer: false }),
      await suiteql(ns, 'SELECT id FROM customer', 'limit=4&offset=0'),
    ];
    expect(refusals.map((r) => [r.status, (r.body['o:errorDetails'] as Array<Record<string, string>>)[0]!['o:errorCode']])).toEqual(
      Array(4).fill([400, 'INVALID_PARAMETER']),
    );
  });

  it('answers 401 INVALID_LOGIN to a wrong secret, a stale timestamp, a replayed request and a missing header', async () => {
    const ns = await fake();
    const good = await suiteql(ns, LOCATIONS_QUERY, 'limit=4&offset=0');
    const replay = await fetch(good.signed.url, { method: 'POST', headers: good.signed.headers, body: good.signed.body as string });
    const forged = await suiteql(ns, LOCATIONS_QUERY, 'limit=4&offset=0', { tba: { ...TBA, consumer_secret: 'guessed' } });
    const stale = await suiteql(ns, LOCATIONS_QUERY, 'limit=4&offset=0', { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const anonymous = await fetch(`${ns.url}${FAKE_SUITEQL_PATH}`, { method: 'POST', headers: { prefer: 'transient' }, body: '{"q":"SELECT 1 FROM location"}' });
    expect([good.status, replay.status, forged.status, stale.status, anonymous.status]).toEqual([200, 401, 401, 401, 401]);
    expect(forged.body).toMatchObject({ status: 401, title: 'Unauthorized', 'o:errorDetails': [{ 'o:errorCode': 'INVALID_LOGIN' }] });
    expect(ns.authChecks.map((c) => c.reason ?? 'ok')).toEqual(['ok', 'nonce_reused', 'signature', 'stale', 'missing']);
  });
});
