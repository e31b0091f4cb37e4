/**
 * Field paths pino censors in every log line. A fixed list: pino warns that path strings must not
 * come from user input, so YAML never adds to it; plugins add field names through `meta.secrets`.
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'Authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'api_key',
  'apiKey',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.api_key',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
];

export const REDACTED = '[redacted]';

/** Builds redact paths for extra field names (from plugin `meta.secrets`), quoting odd characters. */
export function redactPathsFor(fieldNames: readonly string[]): string[] {
  return fieldNames.flatMap((name) => {
    if (/^[A-Za-z_$][\w$]*$/.test(name)) return [name, `*.${name}`, `headers.${name}`];
    const bracketed = `["${name.replace(/["\\]/g, '')}"]`;
    return [`*${bracketed}`, `headers${bracketed}`];
  });
}
