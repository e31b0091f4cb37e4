/**
 * The URL that starts the consent flow on the daemon (`/oauth/{connector}/start?tenant=T&…`), as
 * `connectd connect` prints it. Extra parameters become the connection's config (e.g.
 * `shop=acme.myshopify.com`); the daemon validates them when the URL is opened.
 * @example
 * consentStartUrl('https://connect.example.com', 'square', { tenant: 'acme' });
 * // https://connect.example.com/oauth/square/start?tenant=acme
 */
export function consentStartUrl(
  publicUrl: string,
  connector: string,
  params: { readonly tenant: string; readonly connection?: string | undefined; readonly config?: Readonly<Record<string, string>> },
): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}/oauth/${encodeURIComponent(connector)}/start`);
  url.searchParams.set('tenant', params.tenant);
  if (params.connection !== undefined) url.searchParams.set('connection', params.connection);
  for (const [name, value] of Object.entries(params.config ?? {})) url.searchParams.set(name, value);
  return url.toString();
}
