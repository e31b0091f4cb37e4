import { AUTH_BASIC_USERNAME_COLON } from '../../errors/index.js';
import { defineAuth, type AuthRuntime, type ComponentDefinition } from '../../connector/index.js';
import { Type, type Static } from '../../json-schema/index.js';
import { withHeader } from '../headers.js';

const SCHEMA = Type.Object(
  { username: Type.String(), password: Type.String({ description: 'Use ${VAR}.' }) },
  { additionalProperties: false },
);

/** Options of the `basic` strategy. */
export type BasicOptions = Static<typeof SCHEMA>;

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
