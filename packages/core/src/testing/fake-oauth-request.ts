import type { RecordedRequest } from './fake-http-server.js';
import type { Refusal } from './fake-oauth-ledger.js';

// How the fake OAuth provider reads a token request: the body in the one format it accepts, and
// the client's authentication (RFC 6749 §2.3.1), as strictly as a careful real provider.

/** Which client authentication a token request carried. */
export type ClientAuthUsed = 'basic' | 'body' | 'none';

const CONTENT_TYPES = { form: 'application/x-www-form-urlencoded', json: 'application/json' } as const;

/** The body parameters of a token request as strings, or why they are refused. */
export function readTokenParams(request: RecordedRequest, format: 'json' | 'form'): { params: Record<string, string> } | Refusal {
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== CONTENT_TYPES[format]) {
    return { error: 'invalid_request', description: `token requests must be ${CONTENT_TYPES[format]}` };
  }
  const params: Record<string, string> = {};
  if (format === 'form') {
    for (const [name, value] of new URLSearchParams(request.text())) {
      // RFC 6749 §3.2: parameters must not be repeated.
      if (name in params) return { error: 'invalid_request', description: `parameter ${name} repeated` };
      params[name] = value;
    }
    return { params };
  }
  let body: unknown;
  try {
    body = JSON.parse(request.text());
  } catch {
    return { error: 'invalid_request', description: 'body is not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'invalid_request', description: 'body is not a JSON object' };
  for (const [name, value] of Object.entries(body)) {
    if (value === null) continue;
    if (typeof value === 'object') return { error: 'invalid_request', description: `parameter ${name} is not a string` };
    params[name] = String(value);
  }
  return { params };
}

/** RFC 6749 §2.3.1 / Appendix B: each part of Basic credentials is form-urlencoded. */
function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function readBasic(header: string | undefined): { clientId: string; clientSecret: string } | 'malformed' | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/**
 * Checks the client of a token request. A confidential client must use the required method with
 * its secret; a public client (secret null) sends its client_id only. Using two methods at once
 * is refused (RFC 6749 §2.3).
 */
export function readClientAuth(
  request: RecordedRequest,
  params: Readonly<Record<string, string>>,
  client: { clientId: string; clientSecret: string | null; required: 'body' | 'basic' },
): { used: ClientAuthUsed; basic?: { clientId: string; clientSecret: string } | undefined; refusal?: Refusal | undefined } {
  const basic = readBasic(request.headers.authorization);
  if (basic === 'malformed') return { used: 'basic', refusal: { error: 'invalid_client', description: 'malformed Basic credentials' } };
  const used: ClientAuthUsed = basic !== undefined ? 'basic' : params.client_secret !== undefined ? 'body' : 'none';
  const refuse = (error: string, description: string) => ({ used, basic, refusal: { error, description } });
  if (basic !== undefined && params.client_secret !== undefined) return refuse('invalid_request', 'more than one client authentication method');
  if (basic !== undefined && params.client_id !== undefined && params.client_id !== basic.clientId) {
    return refuse('invalid_request', 'client_id in the body differs from the Basic credentials');
  }
  const presentedId = basic?.clientId ?? params.client_id;
  const presentedSecret = basic?.clientSecret ?? params.client_secret;
  if (presentedId !== client.clientId) return refuse('invalid_client', 'unknown client');
  if (client.clientSecret === null) {
    if (presentedSecret !== undefined && presentedSecret !== '') return refuse('invalid_client', 'public client sent a secret');
    return { used, basic };
  }
  if (used !== client.required) return refuse('invalid_client', `client authentication by ${client.required} required`);
  if (presentedSecret !== client.clientSecret) return refuse('invalid_client', 'wrong client secret');
  return { used, basic };
}
