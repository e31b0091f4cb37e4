/**
 * `auth.account_id`: where the consent flow finds the connected account's vendor id, which webhook
 * routing matches a delivery's routing key against (connections/directory.ts). Read once, when the
 * code is exchanged; the consent fails without it (consent.ts), so no connection is stored that
 * webhooks can never find.
 */
import { compileScalarPath, scalarText } from '../connector/index.js';
import { CONFIG_SCHEMA } from '../errors/index.js';
import { isSecretFieldName } from '../log/index.js';
import type { TokenSet } from './types.js';

/** Longest account id kept: vendor ids are short, and the column is indexed. */
export const MAX_ACCOUNT_ID_CHARS = 255;

const PARAM_PREFIX = 'param:';

/** A compiled `account_id`: a connection setting, or a path into the token endpoint's answer. */
export type AccountIdSource =
  | {
      readonly from: 'param';
      /** As declared (`param:shop`), for messages. */
      readonly source: string;
      /** The setting read: the start request must carry it (or an earlier consent kept it). */
      readonly param: string;
      read(config: Readonly<Record<string, unknown>>): string | undefined;
    }
  | {
      readonly from: 'answer';
      /** As declared (`$.merchant_id`), for messages. */
      readonly source: string;
      read(answer: TokenSet): string | undefined;
    };

/**
 * The account id of a consent, or undefined when the answer or the settings hold no usable one.
 * @example
 * accountIdOf(compileAccountIdSource('square', '$.merchant_id'), tokens, {}); // 'MLQW2MYBY81PZ'
 */
export function accountIdOf(source: AccountIdSource, answer: TokenSet, config: Readonly<Record<string, unknown>>): string | undefined {
  return source.from === 'param' ? source.read(config) : source.read(answer);
}

const usable = (id: string | undefined): string | undefined => (id !== undefined && id.length <= MAX_ACCOUNT_ID_CHARS ? id : undefined);

/**
 * Compiles `account_id` once: `param:<name>` reads the connection setting `name` (from the start
 * query, or kept from an earlier consent); a `$` path reads the token endpoint's answer with the
 * webhook keys' syntax. The path reads the answer's non-secret fields only (`TokenSet.extra`), and
 * never through a field whose name looks like a secret, so an account id can never be a token.
 * @throws CONNECTD_ERR_CONFIG_SCHEMA for a declaration the options schema would have refused
 * @example
 * const square = compileAccountIdSource('square', '$.merchant_id');
 * accountIdOf(square, tokens, {}); // 'MLQW2MYBY81PZ' from { access_token, merchant_id: 'MLQW2MYBY81PZ' }
 * const shop = compileAccountIdSource('shop', 'param:shop');
 * accountIdOf(shop, tokens, { shop: 'acme.myshopify.com' }); // 'acme.myshopify.com'
 */
export function compileAccountIdSource(connector: string, source: string): AccountIdSource {
  if (source.startsWith(PARAM_PREFIX)) {
    const param = source.slice(PARAM_PREFIX.length);
    return { from: 'param', source, param, read: (config) => usable(Object.hasOwn(config, param) ? scalarText(config[param]) : undefined) };
  }
  const path = compileScalarPath(source);
  if (path === undefined || path.steps.length === 0) {
    throw CONFIG_SCHEMA({ path: `connectors.${connector}.auth.account_id`, detail: 'must be a body path such as "$.merchant_id" or "param:<name>"' });
  }
  const readsSecret = path.steps.some((step) => typeof step === 'string' && isSecretFieldName(step));
  return { from: 'answer', source, read: (answer) => (readsSecret ? undefined : usable(path.read(answer.extra))) };
}
