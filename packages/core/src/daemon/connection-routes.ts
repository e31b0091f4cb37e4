import type { FastifyInstance } from 'fastify';
import { credentialAad, type Vault } from '../auth/index.js';
import {
  CONNECTION_DECLARED_IN_CONFIG,
  CONNECTION_NEEDS_CONSENT,
  CONNECTION_NOT_FOUND,
  CONNECTION_REQUEST_INVALID,
  SYNC_UNKNOWN_CONNECTOR,
  VAULT_NO_KEY,
} from '../errors/index.js';
import {
  deleteConnection,
  getConnection,
  listConnections,
  listCredentialsOf,
  saveConnection,
  saveCredential,
  setConnectionStatus,
  type ConnectionRecord,
  type ConnectionStatus,
  type Store,
} from '../store/index.js';
import type { Engine } from './engine.js';
import { SECRET_SETTING_KIND_PREFIX } from './stored-connections.js';
import type { Project } from './project.js';

/** Ids, tenants and setting names: what is safe in a URL path, a log line and a credential kind. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_SETTINGS = 32;
const MAX_SETTING_CHARS = 4_096;
const STATUSES: readonly ConnectionStatus[] = ['active', 'needs_reauth', 'disabled'];

/** A connection as the admin API shows it: credentials by kind and expiry only, never a value. */
export interface ConnectionView {
  readonly id: string;
  readonly connector: string;
  readonly tenant: string;
  readonly status: ConnectionStatus;
  readonly statusReason: string | null;
  readonly config: Readonly<Record<string, unknown>>;
  readonly vendorAccountId: string | null;
  /** Declared in connectors.yaml (cannot be deleted through the API). */
  readonly declared: boolean;
  readonly credentials: ReadonlyArray<{ readonly kind: string; readonly expiresAt: string | null; readonly updatedAt: string }>;
  /** This daemon's runtime for it: `ready`, or `unavailable` with the coded reason, or `none`. */
  readonly runtime: { readonly state: 'ready' | 'unavailable' | 'none'; readonly breaker?: string; readonly error?: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ConnectionRoutesDeps {
  readonly project: Project;
  readonly store: Store;
  readonly engine: Engine;
  readonly vault: Vault | undefined;
}

async function viewOf(record: ConnectionRecord, deps: ConnectionRoutesDeps): Promise<ConnectionView> {
  const credentials = await listCredentialsOf(deps.store.db, record.id);
  const runtime = deps.engine.runtimes.get(record.connector, record.id);
  const unavailable = deps.engine.runtimes.unavailable().find((u) => u.connectionId === record.id);
  return {
    id: record.id,
    connector: record.connector,
    tenant: record.tenantId,
    status: record.status,
    statusReason: record.statusReason,
    config: record.config,
    vendorAccountId: record.vendorAccountId,
    declared: deps.engine.isDeclared(record.id),
    credentials: credentials.map((c) => ({ kind: c.kind, expiresAt: c.expiresAt?.toISOString() ?? null, updatedAt: c.updatedAt.toISOString() })),
    runtime:
      runtime !== undefined
        ? { state: 'ready', breaker: runtime.client.stats().breaker }
        : unavailable !== undefined
          ? { state: 'unavailable', error: `${unavailable.code}: ${unavailable.reason}` }
          : { state: 'none' },
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** What POST /api/connections accepts. */
interface CreateRequest {
  readonly id: string;
  readonly connector: string;
  readonly tenant: string;
  readonly config: Record<string, unknown>;
  readonly secrets: Record<string, string>;
}

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
    else map[name] = item;
  }
  return map;
}

function parseCreate(body: unknown, project: Project): CreateRequest {
  const problems: string[] = [];
  const input = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (input !== body) problems.push('the body must be a JSON object');
  const known = new Set(['id', 'connector', 'tenant', 'config', 'secrets']);
  for (const key of Object.keys(input)) if (!known.has(key)) problems.push(`unknown field "${key.slice(0, 64)}"`);
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
  if (project.config.connectors[connector] === undefined) {
    throw SYNC_UNKNOWN_CONNECTOR({ connector, known: Object.keys(project.config.connectors).join(', ') || 'none' });
  }
  return { id, connector, tenant, config, secrets };
}

async function found(deps: ConnectionRoutesDeps, id: string): Promise<ConnectionRecord> {
  const record = await getConnection(deps.store.db, id);
  if (record === undefined) throw CONNECTION_NOT_FOUND({ connection: id });
  return record;
}

/**
 * The admin API's connections, under `/api` behind the admin token:
 * `GET /connections[?connector&tenant&status]`, `GET /connections/:id`, `POST /connections`
 * (an API-key or other non-OAuth connection: `{connector, tenant, id?, config?, secrets?}`; secrets
 * are encrypted and reach request templates like config values), `POST /connections/:id/disable`,
 * `POST /connections/:id/enable`, `DELETE /connections/:id`. Nothing returned holds a secret.
 * @example
 * // curl -H "authorization: Bearer $CONNECTD_ADMIN_TOKEN" -H 'content-type: application/json' \
 * //   -d '{"connector":"storq","tenant":"acme","secrets":{"api_key":"sk_live_…"}}' http://localhost:3000/api/connections
 */
export function connectionRoutes(deps: ConnectionRoutesDeps): (api: FastifyInstance) => void {
  return (api) => {
    api.get('/connections', async (request) => {
      const query = request.query as Record<string, string | undefined>;
      if (query.status !== undefined && !STATUSES.includes(query.status as ConnectionStatus)) {
        throw CONNECTION_REQUEST_INVALID({ reason: `status must be one of ${STATUSES.join(', ')}` });
      }
      const records = await listConnections(deps.store.db, {
        connector: query.connector,
        tenantId: query.tenant,
        status: query.status as ConnectionStatus | undefined,
      });
      return { connections: await Promise.all(records.map((r) => viewOf(r, deps))) };
    });

    api.get('/connections/:id', async (request) => viewOf(await found(deps, (request.params as { id: string }).id), deps));

    api.post('/connections', async (request, response) => {
      const input = parseCreate(request.body, deps.project);
      const connector = deps.project.config.connectors[input.connector]!;
      const auth = connector.auth as { type?: string; grant?: string } | undefined;
      if (auth?.type === 'oauth2' && auth.grant !== 'client_credentials') throw CONNECTION_NEEDS_CONSENT({ connector: input.connector });
      if (deps.engine.isDeclared(input.id)) throw CONNECTION_DECLARED_IN_CONFIG({ connection: input.id });
      const secretNames = Object.keys(input.secrets);
      if (secretNames.length > 0 && deps.vault === undefined) throw VAULT_NO_KEY({ operation: 'store connection secrets' });
      const existing = await getConnection(deps.store.db, input.id);
      const record = await deps.store.db.transaction(async (tx) => {
        const saved = await saveConnection(tx, { id: input.id, connector: input.connector, tenantId: input.tenant, config: input.config });
        await tx.query(`delete from connectd_engine.credentials where connection_id = $1 and kind like $2`, [input.id, `${SECRET_SETTING_KIND_PREFIX}%`]);
        for (const [name, value] of Object.entries(input.secrets)) {
          const kind = `${SECRET_SETTING_KIND_PREFIX}${name}`;
          await saveCredential(tx, { connectionId: input.id, kind, ...deps.vault!.encrypt(value, credentialAad(input.id, kind)), expiresAt: null });
        }
        return saved;
      });
      await deps.engine.attach(record);
      return response.code(existing === undefined ? 201 : 200).send(await viewOf(record, deps));
    });

    api.post('/connections/:id/disable', async (request) => {
      const { id } = request.params as { id: string };
      await found(deps, id);
      const record = (await setConnectionStatus(deps.store.db, id, 'disabled', 'disabled through the admin API'))!;
      await deps.engine.attach(record);
      return viewOf(record, deps);
    });

    api.post('/connections/:id/enable', async (request) => {
      const { id } = request.params as { id: string };
      const current = await found(deps, id);
      // A connection whose grant is gone needs the tenant's consent again, not a flag.
      if (current.status === 'needs_reauth') throw CONNECTION_NEEDS_CONSENT({ connector: current.connector });
      const record = (await setConnectionStatus(deps.store.db, id, 'active', null))!;
      await deps.engine.attach(record);
      return viewOf(record, deps);
    });

    api.delete('/connections/:id', async (request, response) => {
      const { id } = request.params as { id: string };
      await found(deps, id);
      if (deps.engine.isDeclared(id)) throw CONNECTION_DECLARED_IN_CONFIG({ connection: id });
      await deps.engine.detach(id);
      await deleteConnection(deps.store.db, id);
      return response.code(204).send();
    });
  };
}
