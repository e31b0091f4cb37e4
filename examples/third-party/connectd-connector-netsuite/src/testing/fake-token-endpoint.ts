/**
 * The fake NetSuite's client-credentials token endpoint: it checks the JWT client assertion the
 * way NetSuite documents it (kid = certificate ID, iss = client ID, aud = the token URL, at most an
 * hour between iat and exp, a signature by the mapped certificate's key) and issues bearer tokens.
 */
import { constants, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

/** The mapping NetSuite would hold for a client-credentials integration. */
export interface FakeClientMapping {
  readonly clientId: string;
  readonly certificateId: string;
  /** Public key (or certificate) PEM of the mapped certificate. */
  readonly publicKey: string | KeyObject;
}

/** NetSuite's assertion lifetime limit. */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;
export const FAKE_ACCESS_TOKEN_SECONDS = 3600;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type TokenVerdict = { readonly ok: true; readonly token: string } | { readonly ok: false; readonly reason: string };

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function signatureValid(alg: string, key: KeyObject, input: string, signature: Buffer): boolean {
  const match = /^(PS|ES)(256|384|512)$/.exec(alg);
  if (match === null) return false;
  const hash = `sha${match[2]}`;
  return match[1] === 'PS'
    ? verify(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature)
    : verify(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature);
}

/** Issues tokens for valid assertions and remembers them, so the API routes can accept them. */
export class FakeTokenEndpoint {
  readonly #mapping: FakeClientMapping;
  readonly #key: KeyObject;
  readonly #now: () => number;
  readonly issued = new Set<string>();

  constructor(mapping: FakeClientMapping, now: () => number) {
    this.#mapping = mapping;
    this.#key = typeof mapping.publicKey === 'string' ? createPublicKey(mapping.publicKey) : mapping.publicKey;
    this.#now = now;
  }

  /** Checks a token request's form body; `tokenUrl` is this endpoint's public URL (the expected `aud`). */
  exchange(form: URLSearchParams, tokenUrl: string): TokenVerdict {
    if (form.get('grant_type') !== 'client_credentials') return { ok: false, reason: 'grant_type' };
    if (form.get('client_assertion_type') !== JWT_BEARER) return { ok: false, reason: 'client_assertion_type' };
    const parts = (form.get('client_assertion') ?? '').split('.');
    const header = decodePart(parts[0]);
    const payload = decodePart(parts[1]);
    if (parts.length !== 3 || header === undefined || payload === undefined) return { ok: false, reason: 'malformed' };
    if (header['typ'] !== 'JWT' || header['kid'] !== this.#mapping.certificateId) return { ok: false, reason: 'kid' };
    if (!signatureValid(String(header['alg']), this.#key, `${parts[0]}.${parts[1]}`, Buffer.from(parts[2]!, 'base64url'))) return { ok: false, reason: 'signature' };
    if (payload['iss'] !== this.#mapping.clientId || payload['aud'] !== tokenUrl) return { ok: false, reason: 'claims' };
    const scope = payload['scope'];
    const scopes = Array.isArray(scope) ? scope : String(scope ?? '').split(',');
    if (!scopes.includes('rest_webservices')) return { ok: false, reason: 'scope' };
    const iat = Number(payload['iat']);
    const exp = Number(payload['exp']);
    const now = this.#now() / 1000;
    if (!(exp > now) || !(iat <= now + 60) || exp - iat > MAX_ASSERTION_LIFETIME_SECONDS) return { ok: false, reason: 'expired' };
    const token = `fake-ns-at-${randomBytes(12).toString('hex')}`;
    this.issued.add(token);
    return { ok: true, token };
  }
}
