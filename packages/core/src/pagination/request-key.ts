/**
 * What the loop guard remembers about each request of a run, and how a repeated request is named
 * in the loop error without leaking credentials.
 */
import { createHash } from 'node:crypto';
import type { OutgoingRequest } from '../connector/index.js';
import { isSecretFieldName, REDACTED, redactUrl } from '../log/index.js';

const BODY_EXCERPT_MAX_CHARS = 200;

function bodyText(body: OutgoingRequest['body']): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/**
 * A fixed-size digest of method, URL and body. The loop guard keeps one per page, so a run's
 * memory grows by ~100 bytes a page however long URLs or GraphQL bodies are.
 */
export function requestKey(request: OutgoingRequest): string {
  return createHash('sha256')
    .update(request.method.toUpperCase())
    .update('\n')
    .update(request.url)
    .update('\n')
    .update(bodyText(request.body))
    .digest('base64');
}

/**
 * Names a request for a message: method, redacted URL, and for a JSON body its `variables` (where
 * GraphQL cursors live) or its start, with secret-looking fields redacted. `redact` runs last
 * (e.g. a scrubber of known secret values).
 */
export function describeRequest(request: OutgoingRequest, redact: (text: string) => string = (t) => t): string {
  const head = `${request.method.toUpperCase()} ${redactUrl(request.url)}`;
  const text = bodyText(request.body);
  if (text === '') return redact(head);
  let excerpt: string;
  try {
    const parsed: unknown = JSON.parse(text);
    const variables = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['variables'] : undefined;
    const shown = variables ?? parsed;
    const json = JSON.stringify(shown, (key, value: unknown) =>
      key !== '' && isSecretFieldName(key) && (typeof value !== 'object' || value === null) ? REDACTED : value,
    );
    excerpt = variables === undefined ? `body ${json}` : `variables ${json}`;
  } catch {
    // Not JSON: most likely form-encoded, whose fields redact like query parameters.
    excerpt = `body ${redactUrl(`?${text}`).slice(1)}`;
  }
  if (excerpt.length > BODY_EXCERPT_MAX_CHARS) excerpt = `${excerpt.slice(0, BODY_EXCERPT_MAX_CHARS)}…`;
  return redact(`${head} ${excerpt}`);
}
