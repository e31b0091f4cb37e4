/**
 * Identity helpers for plugin authors (like Vite's `defineConfig`): they do nothing at run time and
 * exist for the types. The loader checks the shape of what they return, because a plugin compiled
 * against another version of the contract, or written in plain JS, never went through these types.
 */
import type {
  AuthRuntime,
  ComponentDefinition,
  ConnectorPlugin,
  ErrorClassifierRuntime,
  PaginatorRuntime,
  RateLimitAdapterRuntime,
  WebhookVerifierRuntime,
  OAuthCallbackCheckRuntime,
} from './contract.js';

/** Maps every key of P that is not part of the contract to `never`, so unknown slots fail to compile. */
export type NoUnknownSlots<P> = { readonly [K in Exclude<keyof P, keyof ConnectorPlugin>]: never };

/**
 * Declares a connector plugin: `meta` plus any of the closed set of slots. The result is the
 * package's default export. `meta` needs no name or version: the loader reads both from the
 * package's package.json (declared anyway, they must match it).
 * @example
 * import { defineConnector } from '@connectd/core/connector';
 * import { acmeSignature } from './acme-signature.js';
 *
 * export default defineConnector({
 *   meta: { namespace: 'acme', engine: '^0.1.0' },
 *   webhookVerifiers: { signature: acmeSignature }, // used in YAML as `type: acme/signature`
 * });
 */
export function defineConnector<const P extends ConnectorPlugin>(plugin: P & NoUnknownSlots<P>): P {
  return plugin;
}

/**
 * Declares a component of any slot. The options type flows into `create`, either from the type
 * argument or from the annotation of `create`'s first parameter.
 * @example
 * const fixed = defineComponent<{ ratio: number }, RateLimitAdapterRuntime>({
 *   meta: { type: 'fixed', description: 'Constant budget', schema: { type: 'object', properties: { ratio: { type: 'number' } } } },
 *   create: (options) => ({ observe: () => ({ remainingRatio: options.ratio }) }),
 * });
 */
export function defineComponent<Options, Runtime>(
  definition: ComponentDefinition<Options, Runtime>,
): ComponentDefinition<Options, Runtime> {
  return definition;
}

/**
 * Declares an auth strategy (`auth.type` in YAML).
 * @example
 * const headerToken = defineAuth<{ header: string; token: string }>({
 *   meta: { type: 'header_token', description: 'Sends a token in a named header', schema: {
 *     type: 'object', required: ['header', 'token'], additionalProperties: false,
 *     properties: { header: { type: 'string' }, token: { type: 'string' } } } },
 *   create: (options) => ({
 *     authorize: async (req) => ({ ...req, headers: { ...req.headers, [options.header]: options.token } }),
 *   }),
 * });
 */
export function defineAuth<Options>(
  definition: ComponentDefinition<Options, AuthRuntime>,
): ComponentDefinition<Options, AuthRuntime> {
  return definition;
}

/**
 * Declares a paginator (`pagination.type` in YAML).
 * @example
 * const sinceId = definePaginator<{ param: string }>({
 *   meta: { type: 'since_id', description: 'Asks for ids after the last one seen', schema: { type: 'object' } },
 *   create: (options) => ({ next: (page, records) => (records.length === 0 ? null : nextRequestAfter(page, records, options.param)) }),
 * });
 */
export function definePaginator<Options>(
  definition: ComponentDefinition<Options, PaginatorRuntime>,
): ComponentDefinition<Options, PaginatorRuntime> {
  return definition;
}

/**
 * Declares a webhook signature verifier (`webhooks.verify.type` in YAML).
 * @example
 * const hmac = defineWebhookVerifier<{ secret: string }>({
 *   meta: { type: 'hmac', description: 'Vendor HMAC over the raw body', schema: { type: 'object', required: ['secret'] } },
 *   create: (options) => ({ verify: (input) => checkSignature(input, options.secret) }),
 * });
 */
export function defineWebhookVerifier<Options>(
  definition: ComponentDefinition<Options, WebhookVerifierRuntime>,
): ComponentDefinition<Options, WebhookVerifierRuntime> {
  return definition;
}

/**
 * Declares an OAuth callback check (`auth: { type: oauth2, callback_check: { type: <ns>/<name> } }`):
 * it sees the callback's query before the code is exchanged and throws to refuse it.
 * @example
 * export const shopifyHmac = defineOAuthCallbackCheck<{ secret: string }>({
 *   meta: { type: 'hmac', description: 'Shopify callback HMAC', schema: { type: 'object', required: ['secret'] } },
 *   create: (options) => ({ check: (query) => verifyShopifyHmac(query, options.secret) }),
 * });
 */
export function defineOAuthCallbackCheck<Options>(
  definition: ComponentDefinition<Options, OAuthCallbackCheckRuntime>,
): ComponentDefinition<Options, OAuthCallbackCheckRuntime> {
  return definition;
}

/**
 * Declares an error classifier: decides whether a response is ok, retryable, throttled, etc.
 * (e.g. a GraphQL 200 whose body says THROTTLED).
 * @example
 * const graphql = defineErrorClassifier<Record<string, never>>({
 *   meta: { type: 'graphql', description: 'Reads GraphQL error codes', schema: { type: 'object', additionalProperties: false } },
 *   create: () => ({ classify: (page) => (isThrottled(page.body) ? 'rate-limited' : 'ok') }),
 * });
 */
export function defineErrorClassifier<Options>(
  definition: ComponentDefinition<Options, ErrorClassifierRuntime>,
): ComponentDefinition<Options, ErrorClassifierRuntime> {
  return definition;
}

/**
 * Declares a rate-limit adapter: reads a vendor's budget headers or body to pace a connection.
 * @example
 * const callLimit = defineRateLimitAdapter<{ header: string }>({
 *   meta: { type: 'call_limit', description: 'Reads "used/size" headers', schema: { type: 'object', required: ['header'] } },
 *   create: (options) => ({ observe: (page) => parseUsedOverSize(page.headers[options.header]) }),
 * });
 */
export function defineRateLimitAdapter<Options>(
  definition: ComponentDefinition<Options, RateLimitAdapterRuntime>,
): ComponentDefinition<Options, RateLimitAdapterRuntime> {
  return definition;
}
