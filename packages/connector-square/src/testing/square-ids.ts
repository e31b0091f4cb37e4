import { randomChars, uuidFrom } from './random.js';

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Catalog ids are base32 (A–Z, 2–7): `X5DZ5NWWAQ44CKBLKIFQGOWK`. */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const URL_SAFE = `${BASE62}-_`;

/** The merchant of the spec's ObtainToken example; the fake's first merchant unless told otherwise. */
export const DEFAULT_SQUARE_MERCHANT_ID = 'MLQW2MYBY81PZ';
/** An application id in Square's production shape (`sq0idp-` + 22 characters). */
export const DEFAULT_SQUARE_APPLICATION_ID = 'sq0idp-FakeSquareApplication1';
/** An application secret in Square's shape (`sq0csp-` + 43 characters). */
export const DEFAULT_SQUARE_APPLICATION_SECRET = 'sq0csp-FakeSquareApplicationSecret-000000000000000';
/** A webhook subscription signature key in Square's shape (22 URL-safe characters). */
export const DEFAULT_SQUARE_SIGNATURE_KEY = 'FakeSquareSignatureKey';

/** Makers of Square-shaped ids and secrets, all drawn from one seeded source. */
export interface SquareIds {
  /** 13 upper-case letters and digits: `MLQW2MYBY81PZ`. */
  merchant(): string;
  /** 13 upper-case letters and digits: `18YC4JDH91E1H`. */
  location(): string;
  /** 24 base32 characters: `5GSZPX6EU7MM75S57OONG3V5`. */
  catalog(): string;
  /** 27 letters and digits: `CAISENgvlJ6jLWAzERDzjyHVybY`. */
  order(): string;
  /** 29 letters and digits: `hYy9pRFVxpDsO1FB05SunFWUe9JZY`. */
  payment(): string;
  /** 22 letters and digits: line item and return uids. */
  uid(): string;
  /** A UUID: event ids and `data.id` of events that name no object. */
  uuid(): string;
  /** `sq0cgb-` + 22 URL-safe characters. */
  code(): string;
  /** 64 characters starting `EAAA`. */
  accessToken(): string;
  /** 64 characters starting `EQAA`. */
  refreshToken(): string;
  /** 45 letters and digits: a payment's `version_token`. */
  versionToken(): string;
  /** An opaque pagination cursor. */
  cursor(): string;
}

/**
 * Square-shaped id makers over a seeded source.
 * @example
 * const ids = squareIds(seededRandom(1));
 * ids.catalog(); // 24 base32 characters
 */
export function squareIds(random: () => number): SquareIds {
  const chars = (alphabet: string, length: number): string => randomChars(random, alphabet, length);
  return {
    merchant: () => chars(UPPER_DIGITS, 13),
    location: () => chars(UPPER_DIGITS, 13),
    catalog: () => chars(BASE32, 24),
    order: () => chars(BASE62, 27),
    payment: () => chars(BASE62, 29),
    uid: () => chars(BASE62, 22),
    uuid: () => uuidFrom(random),
    code: () => `sq0cgb-${chars(URL_SAFE, 22)}`,
    accessToken: () => `EAAA${chars(URL_SAFE, 60)}`,
    refreshToken: () => `EQAA${chars(URL_SAFE, 60)}`,
    versionToken: () => chars(BASE62, 45),
    cursor: () => chars(URL_SAFE, 48),
  };
}
