import type { FastifyInstance } from 'fastify';
import { OAUTH_SESSION_REQUEST_INVALID } from '../../errors/index.js';
import type { ConnectSessionRequest, ConnectSessions } from '../../oauth/index.js';

const FIELDS = new Set(['connector', 'tenant', 'connection', 'params', 'expires_in']);
/** Longer strings are refused here; the ids' own rules (128 characters) are the consent flow's. */
const MAX_FIELD_CHARS = 256;

/**
 * Reads `POST /connect-sessions`'s body: `{connector, tenant, connection?, params?, expires_in?}`,
 * types only (every problem at once); what the values may be is the consent flow's to check.
 * @throws CONNECTD_ERR_OAUTH_SESSION_REQUEST_INVALID (400)
 * @example
 * parseConnectSessionRequest({ connector: 'shopify', tenant: 'acme', params: { shop: 'acme.myshopify.com' }, expires_in: 600 });
 */
export function parseConnectSessionRequest(body: unknown): ConnectSessionRequest {
  const problems: string[] = [];
  const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (input === undefined) throw OAUTH_SESSION_REQUEST_INVALID({ reason: 'the body must be a JSON object {"connector", "tenant", "connection"?, "params"?, "expires_in"?}' });
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) problems.push(`unknown field "${key.slice(0, 64)}"`);
  const text = (field: string, required: boolean): string | undefined => {
    const value = input[field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD_CHARS) {
      problems.push(`${field} must be a non-empty string${required ? '' : ' when given'}`);
      return undefined;
    }
    return value;
  };
  const connector = text('connector', true);
  const tenant = text('tenant', true);
  const connection = text('connection', false);
  const params: Record<string, string> = {};
  const rawParams = input['params'];
  if (rawParams !== undefined) {
    if (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams)) problems.push('params must be an object of strings');
    else {
      for (const [name, value] of Object.entries(rawParams)) {
        if (typeof value === 'string') params[name] = value;
        else problems.push(`params.${name.slice(0, 64)} must be a string`);
      }
    }
  }
  const expiresIn = input['expires_in'];
  if (expiresIn !== undefined && typeof expiresIn !== 'number') problems.push('expires_in must be a number of seconds');
  if (problems.length > 0 || connector === undefined || tenant === undefined) throw OAUTH_SESSION_REQUEST_INVALID({ reason: problems.join('; ') });
  return { connector, tenant, connection, params, expiresInSeconds: typeof expiresIn === 'number' ? expiresIn : undefined };
}

/**
 * `POST /connect-sessions` under `/api`, behind the admin token: an app's backend asks for the link
 * one tenant opens to connect their account; answers `201 {url, token, expires_at, connection}`.
 * Refusals are the coded errors of the request (400), an unknown connector (404) or a connection
 * of another tenant (409).
 * @example
 * // curl -H "authorization: Bearer $CONNECTD_ADMIN_TOKEN" -H 'content-type: application/json' \
 * //   -d '{"connector":"shopify","tenant":"acme","params":{"shop":"acme.myshopify.com"}}' http://localhost:3000/api/connect-sessions
 */
export function connectSessionRoutes(sessions: ConnectSessions): (api: FastifyInstance) => void {
  return (api) => {
    api.post('/connect-sessions', async (request, response) => {
      const issued = await sessions.create(parseConnectSessionRequest(request.body));
      return response
        .code(201)
        .header('cache-control', 'no-store')
        .send({ url: issued.url, token: issued.token, expires_at: issued.expiresAt.toISOString(), connection: issued.connectionId });
    });
  };
}
