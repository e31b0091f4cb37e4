import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault } from '../auth/index.js';
import { createConnectionDirectory } from '../connections/index.js';
import { isConnectdError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { createConnectionStore } from '../persist/index.js';
import { loadProject } from '../project/index.js';
import { createTestDatabases, storeBackends } from '../store/testing.js';
import { startFakeOAuthProvider } from '../testing/fake-oauth-provider.js';
import { createOAuthServices } from './services.js';
import { oauthClientSettings } from './settings.js';

const dbs = createTestDatabases();
afterAll(() => dbs.dispose());
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const MERCHANT_ID = 'MLQW2MYBY81PZ';

describe.each(storeBackends())('OAuth services (%s)', (backend) => {
  it('records the account id declared in connectors.yaml at consent, so webhook routing finds the connection by it', async () => {
    const provider = await startFakeOAuthProvider({ extraTokenFields: { merchant_id: MERCHANT_ID } });
    closers.push(() => provider.close());
    const path = join(mkdtempSync(join(tmpdir(), 'connectd-oauth-services-')), 'connectors.yaml');
    writeFileSync(
      path,
      `version: 1
connectors:
  pos:
    base_url: ${provider.apiUrl}
    auth:
      type: oauth2
      authorize_url: ${provider.authorizeUrl}
      token_url: ${provider.tokenUrl}
      client_id: ${provider.clientId}
      client_secret: ${provider.clientSecret}
      account_id: $.merchant_id
`,
    );
    const project = await loadProject(path, {});
    const store = await dbs.fresh(backend, { migrate: true });
    const keys = new KeyRing(randomBytes(32));
    const oauth = createOAuthServices({
      connectors: [{ settings: oauthClientSettings('pos', project.oauth2('pos')!) }],
      db: store.db,
      vault: { vault: createVault(keys), keys },
      log: createLogger({ level: 'silent' }),
      publicUrl: 'https://connectd.example.test',
    });
    closers.push(() => oauth.close());

    // The link an app's backend gets from POST /api/connect-sessions, as the services make it.
    const { url } = await oauth.sessions.create({ connector: 'pos', tenant: 'acme' });
    expect(url.startsWith('https://connectd.example.test/oauth/pos/start?session=')).toBe(true);
    const { location } = await oauth.consent.start('pos', new URL(url).searchParams);
    const callback = new URL(await provider.visitAuthorizeUrl(location));
    const { connection } = await oauth.consent.callback('pos', callback.searchParams);
    expect(connection).toMatchObject({ id: 'pos-acme', vendorAccountId: MERCHANT_ID });

    const directory = createConnectionDirectory(project, createConnectionStore(store.db));
    expect(await directory.resolve('pos', MERCHANT_ID)).toMatchObject({ ok: true, connection: { id: 'pos-acme', tenant: 'acme' } });
    expect(await directory.resolve('pos', 'M-SOMEONE-ELSE')).toMatchObject({ ok: false });
  });

  it('makes no connect session and starts no consent without a vault key, storing nothing', async () => {
    const store = await dbs.fresh(backend, { migrate: true });
    const settings = oauthClientSettings('crm', { authorize_url: 'https://v.example/authorize', token_url: 'https://v.example/token', client_id: 'c', client_secret: 's' });
    const oauth = createOAuthServices({ connectors: [{ settings }], db: store.db, vault: undefined, log: createLogger({ level: 'silent' }), publicUrl: 'https://connectd.example.test' });
    closers.push(() => oauth.close());
    const refused = await oauth.sessions.create({ connector: 'crm', tenant: 'acme' }).catch((e: unknown) => e);
    expect(isConnectdError(refused, 'CONNECTD_ERR_VAULT_NO_KEY')).toBe(true);
    const { rows } = await store.db.query<{ n: string }>(`select count(*) as n from connectd_engine.connect_sessions`);
    expect(Number(rows[0]!.n)).toBe(0);
    expect(isConnectdError(await oauth.consent.start('crm', new URLSearchParams('session=a.b')).catch((e: unknown) => e), 'CONNECTD_ERR_VAULT_NO_KEY')).toBe(true);
  });
});
