import { CONNECTION_NOT_OAUTH } from '../../errors/index.js';
import { checkStartLink, consentStartUrl, oauthClientSettings } from '../../oauth/index.js';
import { loadProject } from '../../project/index.js';

/**
 * `connectd connect <connector> --tenant T [--param name=value]…`: the URL a tenant opens to
 * connect their account. The link's tenant, connection and parameters are checked the way the
 * daemon's start route checks them (a connector's declared `auth.params`: unknown, unmatched or
 * missing required ones refused), so a bad link is never sent; declared values go in normalised.
 * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_NOT_OAUTH, CONNECTD_ERR_OAUTH_START_INVALID (exit 2)
 * @example
 * await connectUrl({ configPath, env, publicUrl: 'https://connect.example.com', connector: 'shopify', tenant: 'acme', params: { shop: 'Acme.myshopify.com' } });
 * // https://connect.example.com/oauth/shopify/start?tenant=acme&shop=acme.myshopify.com
 */
export async function connectUrl(options: {
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly publicUrl: string;
  readonly connector: string;
  readonly tenant: string;
  readonly connection?: string | undefined;
  readonly params?: Readonly<Record<string, string>>;
}): Promise<string> {
  const project = await loadProject(options.configPath, options.env);
  const connector = project.connector(options.connector);
  const oauth2 = project.oauth2(options.connector);
  if (!project.needsConsent(options.connector) || oauth2 === undefined) {
    const grant = oauth2?.grant;
    throw CONNECTION_NOT_OAUTH({ connector: options.connector, auth: `${connector.auth?.type ?? 'none'}${grant === undefined ? '' : ` (${grant})`}` });
  }
  const { params } = oauthClientSettings(options.connector, oauth2);
  const config = checkStartLink(options.connector, params, { tenant: options.tenant, connection: options.connection, params: options.params });
  return consentStartUrl(options.publicUrl, options.connector, { tenant: options.tenant, connection: options.connection, config });
}
