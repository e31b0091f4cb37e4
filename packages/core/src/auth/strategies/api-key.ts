import { defineAuth, type ComponentDefinition, type AuthRuntime } from '../../connector/index.js';
import { Type, words, type Static } from '../../json-schema/index.js';
import { checkHeaderName, checkHeaderValue, withHeader } from '../headers.js';
import { withQueryParam } from '../query-param.js';

export const DEFAULT_API_KEY_IN = 'header';

const SCHEMA = Type.Object(
  {
    in: Type.Optional(words(['header', 'query'], { description: 'Where the key goes (default header).' })),
    name: Type.String({ minLength: 1, description: 'Header or query parameter name, e.g. X-Api-Key.' }),
    value: Type.String({ description: 'The key; use ${VAR}.' }),
    prefix: Type.Optional(Type.String({ description: 'Text put before the value, e.g. "Token ".' })),
  },
  { additionalProperties: false },
);

/** Options of the `api_key` strategy (the YAML `auth` mapping minus `type`). */
export type ApiKeyOptions = Static<typeof SCHEMA>;

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
