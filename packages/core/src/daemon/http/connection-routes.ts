import type { FastifyInstance } from 'fastify';
import type { ConnectionAdmin, NewConnection } from '../../connections/index.js';
import { CONNECTION_REQUEST_INVALID } from '../../errors/index.js';
import type { ConnectionStatus } from '../../store/index.js';

/** Ids, tenants and setting names: what is safe in a URL path, a log line and a credential kind. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_SETTINGS = 32;
const MAX_SETTING_CHARS = 4_096;
/**
 * Control characters (C0, DEL, C1): values fill `{placeholders}` of request headers and URLs, where
 * a line break or NUL would split or cut them, so they are refused before anything is stored.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const STATUSES: readonly ConnectionStatus[] = ['active', 'needs_reauth', 'disabled'];
const FIELDS = new Set(['id', 'connector', 'tenant', 'config', 'secrets']);

function stringMap(value: unknown, field: string, problems: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${field} must be an object of strings`);
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_SETTINGS) problems.push(`${field} has more than ${MAX_SETTINGS} entries`);
  const map: Record<string, string> = {};
  for (const [name, item] of entries) {
    if (!NAME_PATTERN.test(name)) problems.push(`${field} name "${name.slice(0, 64)}" is not a plain name`);
    else if (typeof item !== 'string' || item.length === 0 || item.length > MAX_SETTING_CHARS) problems.push(`${field}.${name} must be a non-empty string up to ${MAX_SETTING_CHARS} characters`);
    else if (CONTROL_CHARACTER.test(item)) problems.push(`${field}.${name} holds a line break or another control character, which a request header or URL cannot carry`);
    else map[name] = item;
  }
  return map;
}

/** Reads `POST /connections`'s body; every problem at once (CONNECTD_ERR_CONNECTION_REQUEST_INVALID, 400). */
export function parseNewConnection(body: unknown): NewConnection {
  const problems: string[] = [];
  const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (input !== body) problems.push('the body must be a JSON object');
  for (const key of Object.keys(input)) if (!FIELDS.has(key)) problems.push(`unknown field "${key.slice(0, 64)}"`);
  const text = (field: string, required: boolean): string => {
    const value = input[field];
    if (value === undefined && !required) return '';
    if (typeof value !== 'string' || !NAME_PATTERN.test(value)) problems.push(`${field} must be letters, digits, ".", "_" or "-" (1 to 128 characters)`);
    return typeof value === 'string' ? value : '';
  };
  const connector = text('connector', true);
  const tenant = text('tenant', true);
  const id = text('id', false) || `${connector}-${tenant}`;
  const config = stringMap(input['config'], 'config', problems);
  const secrets = stringMap(input['secrets'], 'secrets', problems);
  for (const name of Object.keys(secrets)) if (name in config) problems.push(`"${name}" is both in config and in secrets`);
  if (problems.length > 0) throw CONNECTION_REQUEST_INVALID({ reason: problems.join('; ') });
  return { id, connector, tenant, config, secrets };
}

/** Routes addressed by a connection id. */
type ById = { Params: { id: string } };

function statusFilter(value: string | undefined): ConnectionStatus | undefined {
  if (value === undefined) return undefined;
  const status = STATUSES.find((s) => s === value);
  if (status === undefined) throw CONNECTION_REQUEST_INVALID({ reason: `status must be one of ${STATUSES.join(', ')}` });
  return status;
}

/**
 * The admin API's connections, under `/api` behind the admin token: they parse the request and
 * delegate to {@link ConnectionAdmin}. `GET /connections[?connector&tenant&status]`,
 * `GET /connections/:id`, `POST /connections` (an API-key or other non-OAuth connection:
 * `{connector, tenant, id?, config?, secrets?}`), `POST /connections/:id/disable`,
 * `POST /connections/:id/enable`, `DELETE /connections/:id`. Nothing returned holds a secret.
 * @example
 * // curl -H "authorization: Bearer $CONNECTD_ADMIN_TOKEN" -H 'content-type: application/json' \
 * //   -d '{"connector":"storq","tenant":"acme","secrets":{"api_key":"sk_live_…"}}' http://localhost:3000/api/connections
 */
export function connectionRoutes(admin: ConnectionAdmin): (api: FastifyInstance) => void {
  return (api) => {
    api.get<{ Querystring: { connector?: string; tenant?: string; status?: string } }>('/connections', async (request) => {
      const { connector, tenant, status } = request.query;
      return { connections: await admin.list({ connector, tenant, status: statusFilter(status) }) };
    });

    api.get<ById>('/connections/:id', async (request) => admin.get(request.params.id));

    api.post('/connections', async (request, response) => {
      const { view, created } = await admin.create(parseNewConnection(request.body));
      return response.code(created ? 201 : 200).send(view);
    });

    api.post<ById>('/connections/:id/disable', async (request) => admin.disable(request.params.id));

    api.post<ById>('/connections/:id/enable', async (request) => admin.enable(request.params.id));

    api.delete<ById>('/connections/:id', async (request, response) => {
      await admin.delete(request.params.id);
      return response.code(204).send();
    });
  };
}
