import { CONNECTION_NOT_OAUTH, SYNC_UNKNOWN_CONNECTOR } from '../errors/index.js';
import type { Project } from './project.js';

/**
 * `connectd connect <connector> --tenant T`: the URL that starts the consent flow on the daemon
 * (`/oauth/{connector}/start?tenant=T&…`). Extra parameters become the connection's config
 * (e.g. `shop=acme.myshopify.com`); the daemon validates them when the URL is opened.
 * @throws CONNECTD_ERR_SYNC_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_NOT_OAUTH (exit 2)
 * @example
 * consentStartUrl(project, 'https://connect.example.com', 'square', { tenant: 'acme' });
 * // https://connect.example.com/oauth/square/start?tenant=acme
 */
export function consentStartUrl(
  project: Project,
  publicUrl: string,
  connector: string,
  params: { readonly tenant: string; readonly connection?: string | undefined; readonly config?: Readonly<Record<string, string>> },
): string {
  const declared = project.config.connectors[connector];
  if (declared === undefined) throw SYNC_UNKNOWN_CONNECTOR({ connector, known: Object.keys(project.config.connectors).join(', ') || 'none' });
  const auth = declared.auth as { type?: string; grant?: string } | undefined;
  if (auth?.type !== 'oauth2' || auth.grant === 'client_credentials') {
    throw CONNECTION_NOT_OAUTH({ connector, auth: auth === undefined ? 'none' : `${auth.type ?? '?'}${auth.grant === undefined ? '' : ` (${auth.grant})`}` });
  }
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}/oauth/${encodeURIComponent(connector)}/start`);
  url.searchParams.set('tenant', params.tenant);
  if (params.connection !== undefined) url.searchParams.set('connection', params.connection);
  for (const [name, value] of Object.entries(params.config ?? {})) url.searchParams.set(name, value);
  return url.toString();
}
