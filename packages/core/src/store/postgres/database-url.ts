import { STORE_DATABASE_URL_INVALID } from '../../errors/index.js';

const POSTGRES_PROTOCOLS = new Set(['postgres:', 'postgresql:']);
/** Query parameters node-postgres reads secrets from. */
const SECRET_PARAMS = ['password', 'sslpassword', 'sslkey'];

/**
 * Checks `DATABASE_URL` is a Postgres URL.
 * @throws CONNECTD_ERR_STORE_DATABASE_URL_INVALID (the message never repeats the URL: it may hold a password)
 */
export function parseDatabaseUrl(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw STORE_DATABASE_URL_INVALID({ reason: 'it cannot be parsed as a URL' });
  }
  if (!POSTGRES_PROTOCOLS.has(url.protocol)) {
    throw STORE_DATABASE_URL_INVALID({ reason: `the scheme is "${url.protocol}", expected "postgres:" or "postgresql:"` });
  }
  return url;
}

/**
 * The URL without its password, for messages, logs and `connectd status`.
 * @example
 * redactDatabaseUrl('postgres://app:s3cret@db:5432/prod') // 'postgres://app@db:5432/prod'
 */
export function redactDatabaseUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return '(unparseable DATABASE_URL)';
  }
  url.password = '';
  for (const name of SECRET_PARAMS) if (url.searchParams.has(name)) url.searchParams.set(name, 'redacted');
  return url.toString();
}

/** Removes the URL's password (raw and percent-decoded) from a driver message before we repeat it. */
export function scrubPassword(text: string, databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return text;
  }
  const secrets = [url.password, safeDecode(url.password), ...SECRET_PARAMS.map((n) => url.searchParams.get(n) ?? '')];
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join('[redacted]');
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
