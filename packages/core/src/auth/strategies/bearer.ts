import { defineAuth, type AuthRuntime, type ComponentDefinition } from '../../connector/index.js';
import { Type, type Static } from '../../json-schema/index.js';
import { checkHeaderValue, withHeader } from '../headers.js';

const SCHEMA = Type.Object(
  { token: Type.String({ description: 'Sent as Authorization: Bearer <token>; use ${VAR}.' }) },
  { additionalProperties: false },
);

/** Options of the `bearer` strategy. */
export type BearerOptions = Static<typeof SCHEMA>;

/**
 * `bearer`: a static token sent as `Authorization: Bearer <token>` (RFC 6750).
 * @example
 * const auth = bearerAuth.create({ token: process.env.STORQ_API_KEY! }, ctx);
 * (await auth.authorize(request)).headers.Authorization; // 'Bearer …'
 */
export const bearerAuth: ComponentDefinition<BearerOptions, AuthRuntime> = defineAuth<BearerOptions>({
  meta: { type: 'bearer', description: 'A static token in Authorization: Bearer <token>.', schema: SCHEMA },
  create(options) {
    checkHeaderValue('bearer', 'token', options.token);
    const value = `Bearer ${options.token}`;
    return { authorize: async (request) => withHeader(request, 'Authorization', value) };
  },
});
