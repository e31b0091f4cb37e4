import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { KeyRing, createVault } from '../auth/index.js';
import { createConnectionDirectory } from '../connections/index.js';
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

    const { location } = await oauth.consent.start('pos', new URLSearchParams('tenant=acme'));
    const callback = new URL(await provider.visitAuthorizeUrl(location));
    const { connection } = await oauth.consent.callback('pos', callback.searchParams);
    expect(connection).toMatchObject({ id: 'pos-acme', vendorAccountId: MERCHANT_ID });

    const directory = createConnectionDirectory(project, createConnectionStore(store.db));
    expect(await directory.resolve('pos', MERCHANT_ID)).toMatchObject({ ok: true, connection: { id: 'pos-acme', tenant: 'acme' } });
    expect(await directory.resolve('pos', 'M-SOMEONE-ELSE')).toMatchObject({ ok: false });
  });
});
