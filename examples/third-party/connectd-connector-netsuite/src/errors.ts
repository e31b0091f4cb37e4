/**
 * The plugin's coded errors. Codes follow connectd's registry style (`CONNECTD_ERR_<AREA>_<WHAT>`)
 * with NETSUITE as the area, so logs and the admin API show them like core's; messages name the
 * option or the endpoint, never a credential.
 */
import { defineError, type ErrorFactory } from '@connectd/core/connector';

type KeyInvalid = { algorithm: string; reason: string };
export const NETSUITE_KEY_INVALID: ErrorFactory<KeyInvalid> = defineError<KeyInvalid>({
  code: 'CONNECTD_ERR_NETSUITE_KEY_INVALID',
  exitCode: 2,
  meaning: 'The private key of `netsuite/client_credentials` cannot be read, or does not fit the chosen algorithm.',
  fix: 'Give the PEM private key of the certificate mapped in NetSuite (RSA for PS256/384/512, EC for ES256/384/512).',
  message: (d) => `netsuite/client_credentials: private_key cannot sign ${d.algorithm}: ${d.reason}`,
});

type TokenFailed = { tokenUrl: string; status?: number | undefined; error?: string | undefined };
export const NETSUITE_TOKEN_FAILED: ErrorFactory<TokenFailed> = defineError<TokenFailed>({
  code: 'CONNECTD_ERR_NETSUITE_TOKEN_FAILED',
  httpStatus: 502,
  meaning: "NetSuite's token endpoint did not grant an access token for the client credentials.",
  fix: 'Check client_id, certificate_id and that the certificate mapping is active in NetSuite (Setup > Integration > OAuth 2.0 Client Credentials).',
  message: (d) =>
    `netsuite/client_credentials: ${d.tokenUrl} refused the token request` +
    `${d.status === undefined ? '' : ` with status ${d.status}`}${d.error === undefined ? '' : ` (${d.error})`}`,
});

export const NETSUITE_NOT_SUITEQL_PAGE: ErrorFactory<{ url: string }> = defineError<{ url: string }>({
  code: 'CONNECTD_ERR_NETSUITE_NOT_SUITEQL_PAGE',
  meaning: 'A page read with the `netsuite/suiteql` paginator has no boolean `hasMore`, so it is not a SuiteQL result page.',
  fix: 'Use `netsuite/suiteql` only on POST /services/rest/query/v1/suiteql streams.',
  message: (d) => `netsuite/suiteql: the answer of ${d.url} has no boolean "hasMore"; it is not a SuiteQL page`,
});
