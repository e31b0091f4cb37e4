/**
 * The signed JWT a NetSuite client-credentials token request carries as `client_assertion`:
 * header `{typ, alg, kid: certificate id}`, payload `{iss: client id, scope, aud: token URL, iat, exp}`,
 * signed with the private key of the certificate mapped in NetSuite (PS* with RSA-PSS, ES* with ECDSA).
 */
import { createPrivateKey, sign, constants, type KeyObject } from 'node:crypto';
import { NETSUITE_KEY_INVALID } from './errors.js';

/** The algorithms NetSuite accepts for the client assertion. */
export const ASSERTION_ALGORITHMS = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];

/** What the assertion states; NetSuite refuses an `exp` more than an hour after `iat`. */
export interface AssertionClaims {
  readonly clientId: string;
  readonly certificateId: string;
  readonly scope: readonly string[];
  readonly tokenUrl: string;
  readonly issuedAt: number;
  readonly lifetimeSeconds: number;
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/**
 * Reads a PEM private key and checks it can sign `algorithm` (RSA for PS*, EC for ES*).
 * Throws CONNECTD_ERR_NETSUITE_KEY_INVALID otherwise.
 * @example
 * const key = readSigningKey(process.env.NETSUITE_PRIVATE_KEY!, 'PS256');
 */
export function readSigningKey(pem: string, algorithm: AssertionAlgorithm): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (cause) {
    throw NETSUITE_KEY_INVALID({ algorithm, reason: 'not a PEM private key' }, { cause });
  }
  const wanted = algorithm.startsWith('PS') ? 'rsa' : 'ec';
  if (key.asymmetricKeyType !== wanted) throw NETSUITE_KEY_INVALID({ algorithm, reason: `a ${key.asymmetricKeyType ?? 'unknown'} key, ${wanted} needed` });
  return key;
}

/** The hash of an algorithm: the digits of PS256/ES384… name the SHA-2 size. */
const hashOf = (algorithm: AssertionAlgorithm): string => `sha${algorithm.slice(2)}`;

/**
 * The compact JWS `header.payload.signature`.
 * @example
 * clientAssertion(key, 'PS256', { clientId, certificateId, scope: ['rest_webservices'], tokenUrl, issuedAt: 1765100000, lifetimeSeconds: 300 });
 */
export function clientAssertion(key: KeyObject, algorithm: AssertionAlgorithm, claims: AssertionClaims): string {
  const header = { typ: 'JWT', alg: algorithm, kid: claims.certificateId };
  const payload = {
    iss: claims.clientId,
    scope: claims.scope,
    aud: claims.tokenUrl,
    iat: claims.issuedAt,
    exp: claims.issuedAt + claims.lifetimeSeconds,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = algorithm.startsWith('PS')
    ? sign(hashOf(algorithm), Buffer.from(signingInput), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
    : // JWS wants ECDSA signatures as r‖s, not DER.
      sign(hashOf(algorithm), Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64url(signature)}`;
}
