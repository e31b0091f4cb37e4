/**
 * connectd-connector-netsuite: the connectd plugin for NetSuite. It ships the `netsuite/default`
 * preset (SuiteQL streams), the `netsuite/tba` and `netsuite/client_credentials` auth components
 * and the `netsuite/suiteql` paginator; see README.md. Name and version come from package.json.
 */
import { defineConnector } from '@connectd/core/connector';
import { netsuiteClientCredentials } from './client-credentials.js';
import { netsuiteDefaultPreset } from './preset.js';
import { suiteqlPaginator } from './suiteql-paginator.js';
import { netsuiteTba } from './tba.js';

export { netsuiteDefaultPreset, NETSUITE_BASE_URL, SUITEQL_PATH } from './preset.js';
export { netsuiteTba, realmOf, signRequest } from './tba.js';
export type { TbaOptions } from './tba.js';
export { netsuiteClientCredentials, TOKEN_PATH } from './client-credentials.js';
export type { ClientCredentialsOptions } from './client-credentials.js';
export { suiteqlPaginator, SUITEQL_MAX_LIMIT } from './suiteql-paginator.js';

export default defineConnector({
  meta: {
    namespace: 'netsuite',
    engine: '^0.1.0',
    // Option names that carry credentials, redacted in logs besides core's own list.
    secrets: ['consumer_secret', 'token_secret', 'token_id', 'consumer_key', 'private_key'],
  },
  presets: { default: netsuiteDefaultPreset },
  auth: { tba: netsuiteTba, client_credentials: netsuiteClientCredentials },
  paginators: { suiteql: suiteqlPaginator },
});
