/**
 * `netsuite/tba`: NetSuite Token-Based Authentication. Every request is signed on its own (OAuth
 * 1.0a, HMAC-SHA256) with a fresh nonce and timestamp, so a retried request is signed again and
 * NetSuite's nonce check never sees a nonce twice. TBA tokens do not expire: there is no refresh.
 */
import { randomBytes } from 'node:crypto';
import { defineAuth, type AuthRuntime, type JsonSchema, type OutgoingRequest } from '@connectd/core/connector';
import { authorizationHeader, hmacSha256Signature, signatureBaseString, type OAuthParams } from './oauth1.js';

/** Options of `netsuite/tba`; the four credentials come from the integration record and the access token. */
export interface TbaOptions {
  /** Account ID, e.g. 1234567 or 1234567_SB1 (sandbox); sent as the OAuth realm. */
  readonly account: string;
  readonly consumer_key: string;
  readonly consumer_secret: string;
  readonly token_id: string;
  readonly token_secret: string;
}

const CREDENTIAL = { type: 'string', minLength: 1 } as const;

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['account', 'consumer_key', 'consumer_secret', 'token_id', 'token_secret'],
  properties: {
    account: {
      type: 'string',
      pattern: '^[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*$',
      description: 'NetSuite account ID (1234567, or 1234567_SB1 for a sandbox); the OAuth realm.',
    },
    consumer_key: { ...CREDENTIAL, description: 'Consumer key of the integration record.' },
    consumer_secret: { ...CREDENTIAL, description: 'Consumer secret of the integration record; use ${VAR}.' },
    token_id: { ...CREDENTIAL, description: 'Token ID of the access token.' },
    token_secret: { ...CREDENTIAL, description: 'Token secret of the access token; use ${VAR}.' },
  },
};

/** Nonce bytes; 16 random bytes in hex are 32 characters, within NetSuite's accepted nonce length. */
const NONCE_BYTES = 16;

/**
 * The realm as NetSuite spells account IDs: upper case, `_` before a sandbox suffix (the host
 * name form `1234567-sb1` is accepted too).
 * @example
 * realmOf('1234567-sb1'); // '1234567_SB1'
 */
export function realmOf(account: string): string {
  return account.toUpperCase().replace(/-/g, '_');
}

/**
 * Returns `request` with an `Authorization: OAuth …` header signed for exactly its method and URL.
 * @example
 * signRequest(request, options, { timestamp: 1575998103, nonce: 'bUvpxBX93OWo0FLswq5M' }).headers.Authorization;
 */
export function signRequest(request: OutgoingRequest, options: TbaOptions, once: { timestamp: number; nonce: string }): OutgoingRequest {
  const params: OAuthParams = {
    oauth_consumer_key: options.consumer_key,
    oauth_token: options.token_id,
    oauth_signature_method: 'HMAC-SHA256',
    oauth_timestamp: String(once.timestamp),
    oauth_nonce: once.nonce,
    oauth_version: '1.0',
  };
  const signature = hmacSha256Signature(signatureBaseString(request.method, request.url, params), options.consumer_secret, options.token_secret);
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
  return { ...request, headers: { ...headers, Authorization: authorizationHeader(realmOf(options.account), { ...params, oauth_signature: signature }) } };
}

/**
 * `netsuite/tba` in connectors.yaml.
 * @example
 * // auth: { type: netsuite/tba, account: ${NETSUITE_ACCOUNT}, consumer_key: ${NETSUITE_CONSUMER_KEY},
 * //         consumer_secret: ${NETSUITE_CONSUMER_SECRET}, token_id: ${NETSUITE_TOKEN_ID}, token_secret: ${NETSUITE_TOKEN_SECRET} }
 */
export const netsuiteTba = defineAuth<TbaOptions>({
  meta: { type: 'tba', description: 'NetSuite Token-Based Authentication (OAuth 1.0a, HMAC-SHA256 signed requests).', schema: SCHEMA },
  create(options, ctx): AuthRuntime {
    return {
      authorize: async (request) =>
        signRequest(request, options, { timestamp: Math.floor(ctx.now().getTime() / 1000), nonce: randomBytes(NONCE_BYTES).toString('hex') }),
    };
  },
});
