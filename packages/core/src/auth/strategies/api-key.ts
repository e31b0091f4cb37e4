import { defineAuth, type ComponentDefinition, type AuthRuntime, type JsonSchema } from '../../connector/index.js';
import { checkHeaderName, checkHeaderValue, withHeader } from '../headers.js';
import { withQueryParam } from '../query-param.js';

/** Options of the `api_key` strategy (the YAML `auth` mapping minus `type`). */
export interface ApiKeyOptions {
  /** Where the key goes. Default {@link DEFAULT_API_KEY_IN}. */
  readonly in?: 'header' | 'query';
  /** Header or query parameter name, e.g. `X-Api-Key` or `api_key`. */
  readonly name: string;
  readonly value: string;
  /** Text put before the value, e.g. `"Token "`. Default none. */
  readonly prefix?: string;
}

export const DEFAULT_API_KEY_IN = 'header';

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'value'],
  properties: {
    in: { enum: ['header', 'query'], description: 'Where the key goes (default header).' },
    name: { type: 'string', minLength: 1, description: 'Header or query parameter name, e.g. X-Api-Key.' },
    value: { type: 'string', description: 'The key; use ${VAR}.' },
    prefix: { type: 'string', description: 'Text put before the value, e.g. "Token ".' },
  },
};

/**
 * `api_key`: a key in any header, or in a query parameter. The value is built once, at create.
 * @example
 * const auth = apiKeyAuth.create({ in: 'query', name: 'api_key', value: key }, ctx);
 * (await auth.authorize({ method: 'GET', url: 'https://x.test/items', headers: {} })).url; // ...?api_key=<key>
 */
export const apiKeyAuth: ComponentDefinition<ApiKeyOptions, AuthRuntime> = defineAuth<ApiKeyOptions>({
  meta: { type: 'api_key', description: 'An API key sent in a header (any name) or a query parameter.', schema: SCHEMA },
  create(options) {
    const credential = `${options.prefix ?? ''}${options.value}`;
    if ((options.in ?? DEFAULT_API_KEY_IN) === 'query') {
      return { authorize: async (request) => ({ ...request, url: withQueryParam(request.url, options.name, credential) }) };
    }
    checkHeaderName('api_key', 'name', options.name);
    checkHeaderValue('api_key', 'value', credential);
    return { authorize: async (request) => withHeader(request, options.name, credential) };
  },
});
