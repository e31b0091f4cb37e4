/**
 * The link that starts a consent on the daemon: `${publicUrl}/oauth/{connector}/start?session=…`,
 * as `connectd connect` prints it and `POST /api/connect-sessions` answers it. The session token
 * is all it carries: the tenant, connection and settings are the session's.
 * @example
 * consentStartUrl('https://connect.example.com', 'square', token);
 * // https://connect.example.com/oauth/square/start?session=eyJ…
 */
export function consentStartUrl(publicUrl: string, connector: string, sessionToken: string): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, '')}/oauth/${encodeURIComponent(connector)}/start`);
  url.searchParams.set('session', sessionToken);
  return url.toString();
}
