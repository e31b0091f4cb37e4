import { AUTH_BASIC_USERNAME_COLON } from '../../errors/index.js';
import { defineAuth, type AuthRuntime, type ComponentDefinition, type JsonSchema } from '../../connector/index.js';
import { withHeader } from '../headers.js';

/** Options of the `basic` strategy. */
export interface BasicOptions {
  readonly username: string;
  readonly password: string;
}

const SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string' },
    password: { type: 'string', description: 'Use ${VAR}.' },
  },
};

/**
 * `basic`: `Authorization: Basic base64(username:password)`, UTF-8 encoded (RFC 7617).
 * @example
 * const auth = basicAuth.create({ username: 'shop', password: process.env.SHOP_PASSWORD! }, ctx);
 */
export const basicAuth: ComponentDefinition<BasicOptions, AuthRuntime> = defineAuth<BasicOptions>({
  meta: { type: 'basic', description: 'HTTP Basic: Authorization: Basic base64(username:password).', schema: SCHEMA },
  create(options) {
    // The server splits user-pass at the first colon, so a colon in the username would shift it.
    if (options.username.includes(':')) throw AUTH_BASIC_USERNAME_COLON({});
    // Base64 output is header-safe whatever the credentials hold, so no value check is needed.
    const value = `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}`;
    return { authorize: async (request) => withHeader(request, 'Authorization', value) };
  },
});
