import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testComponent } from '@connectd/core/testing';
import type { AuthRuntime, OutgoingRequest } from '@connectd/core/connector';
import { netsuiteClientCredentials, TOKEN_PATH } from './client-credentials.js';
import { FAKE_TOKEN_PATH, startFakeNetsuite, type FakeNetsuite } from './testing/fake-netsuite.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: typeof rsa.privateKey): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const MAPPING = { clientId: 'fake-client-id-11aa', certificateId: 'fake-cert-id-22bb' };
const OPTIONS = { client_id: MAPPING.clientId, certificate_id: MAPPING.certificateId, private_key: pem(rsa.privateKey) };

let rsaFake: FakeNetsuite;
let ecFake: FakeNetsuite;
beforeAll(async () => {
  rsaFake = await startFakeNetsuite({ clientCredentials: { ...MAPPING, publicKey: rsa.publicKey } });
  ecFake = await startFakeNetsuite({ clientCredentials: { ...MAPPING, publicKey: ec.publicKey } });
});
afterAll(async () => Promise.all([rsaFake.close(), ecFake.close()]));

const suiteqlRequest = (fake: FakeNetsuite): OutgoingRequest => ({
  method: 'POST',
  url: `${fake.url}/services/rest/query/v1/suiteql?limit=5&offset=0`,
  headers: { Prefer: 'transient', 'content-type': 'application/json' },
  body: JSON.stringify({ q: 'SELECT id, name, fullname, isinactive FROM location ORDER BY id' }),
});

async function send(request: OutgoingRequest): Promise<number> {
  return (await fetch(request.url, { method: request.method, headers: request.headers, body: request.body as string })).status;
}

const tokenRequests = (fake: FakeNetsuite): number => fake.requests.filter((r) => r.path === FAKE_TOKEN_PATH).length;

describe('netsuite/client_credentials', () => {
  it('gets a bearer token with a signed JWT assertion (PS256 and ES256), reuses it, and gets a new one after refresh', async () => {
    await testComponent(netsuiteClientCredentials, {
      valid: [
        {
          name: 'PS256 with an RSA key',
          options: OPTIONS,
          check: async (auth: AuthRuntime) => {
            const before = tokenRequests(rsaFake);
            const first = await auth.authorize(suiteqlRequest(rsaFake));
            const second = await auth.authorize(suiteqlRequest(rsaFake));
            expect(first.headers['Authorization']).toMatch(/^Bearer fake-ns-at-/);
            expect(second.headers['Authorization']).toBe(first.headers['Authorization']);
            expect(await send(first)).toBe(200);
            await auth.refresh!(first);
            const third = await auth.authorize(suiteqlRequest(rsaFake));
            expect(third.headers['Authorization']).not.toBe(first.headers['Authorization']);
            // A late 401 for the old token does not throw away the new one.
            await auth.refresh!(first);
            expect((await auth.authorize(suiteqlRequest(rsaFake))).headers['Authorization']).toBe(third.headers['Authorization']);
            expect(tokenRequests(rsaFake) - before).toBe(2);
          },
        },
        {
          name: 'ES256 with an EC key',
          options: { ...OPTIONS, private_key: pem(ec.privateKey), algorithm: 'ES256', scope: ['rest_webservices', 'restlets'] },
          check: async (auth: AuthRuntime) => expect(await send(await auth.authorize(suiteqlRequest(ecFake)))).toBe(200),
        },
      ],
      invalid: [
        { name: 'an EC key for PS256', options: { ...OPTIONS, private_key: pem(ec.privateKey) }, error: 'CONNECTD_ERR_NETSUITE_KEY_INVALID' },
        { name: 'not a key', options: { ...OPTIONS, private_key: 'hello' }, error: /NETSUITE_KEY_INVALID: .*not a PEM private key/ },
        { name: 'no certificate id', options: { ...OPTIONS, certificate_id: undefined }, error: "must have required property 'certificate_id'" },
        { name: 'RS256', options: { ...OPTIONS, algorithm: 'RS256' }, error: 'must be equal to one of the allowed values' },
      ],
    });
    expect(TOKEN_PATH).toBe(FAKE_TOKEN_PATH);
  });

  it('fails with a code, and sends nothing to the API, when NetSuite refuses the assertion', async () => {
    const auth = netsuiteClientCredentials.create({ ...OPTIONS, certificate_id: 'revoked-cert' }, { now: () => new Date(), signal: new AbortController().signal } as never);
    await expect(auth.authorize(suiteqlRequest(rsaFake))).rejects.toMatchObject({ code: 'CONNECTD_ERR_NETSUITE_TOKEN_FAILED', details: { status: 400, error: 'invalid_grant' } });
    expect(rsaFake.authChecks.at(-1)).toEqual({ path: FAKE_TOKEN_PATH, scheme: 'none', ok: false, reason: 'kid' });
  });
});
