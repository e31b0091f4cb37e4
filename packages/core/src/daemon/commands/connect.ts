import { CONNECTION_NOT_OAUTH } from '../../errors/index.js';
import { consentStartUrl } from '../../oauth/index.js';
import { loadProject } from '../../project/index.js';

/**
 * `connectd connect <connector> --tenant T`: the URL a tenant opens to connect their account.
 * @throws CONNECTD_ERR_PROJECT_UNKNOWN_CONNECTOR, CONNECTD_ERR_CONNECTION_NOT_OAUTH (exit 2)
 * @example
 * await connectUrl({ configPath, env, publicUrl: 'https://connect.example.com', connector: 'square', tenant: 'acme' });
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
  if (!project.needsConsent(options.connector)) {
    const grant = project.oauth2(options.connector)?.grant;
    throw CONNECTION_NOT_OAUTH({ connector: options.connector, auth: `${connector.auth?.type ?? 'none'}${grant === undefined ? '' : ` (${grant})`}` });
  }
  return consentStartUrl(options.publicUrl, options.connector, { tenant: options.tenant, connection: options.connection, config: options.params ?? {} });
}
