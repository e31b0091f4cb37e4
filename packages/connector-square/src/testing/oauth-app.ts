import type { OAuthLedger } from './oauth-ledger.js';

/**
 * The scopes Square grants when the authorize URL names none (its Authorize reference: "Default:
 * MERCHANT_PROFILE_READ PAYMENTS_READ SETTLEMENTS_READ BANK_ACCOUNTS_READ").
 */
export const SQUARE_DEFAULT_SCOPES: readonly string[] = ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ', 'SETTLEMENTS_READ', 'BANK_ACCOUNTS_READ'];
/** The scopes the endpoints the fake serves need, each in the spec's `security` of its endpoint. */
export const SQUARE_READ_SCOPES: readonly string[] = ['MERCHANT_PROFILE_READ', 'ITEMS_READ', 'INVENTORY_READ', 'ORDERS_READ', 'PAYMENTS_READ'];

/** The Square application the fake plays the OAuth server for, and what the seller answers at consent. */
export interface OAuthContext {
  readonly applicationId: string;
  readonly applicationSecret: string;
  /** The redirect URL registered for the application; undefined accepts the authorize request's. */
  readonly redirectUri: () => string | undefined;
  readonly ledger: OAuthLedger;
  /** Who approves the next authorization, or `deny`. */
  readonly consent: () => { readonly merchantId: string } | 'deny';
  readonly merchantExists: (merchantId: string) => boolean;
}

/**
 * Splits Square's space-separated `scope` (a `+` in the URL); commas are not separators, so
 * `A,B` is one scope nobody has, as a connector configured with the wrong separator would send.
 * @example
 * scopesOf('ITEMS_READ ORDERS_READ'); // ['ITEMS_READ', 'ORDERS_READ']
 */
export function scopesOf(scope: string | null): readonly string[] {
  const scopes = (scope ?? '').split(/\s+/).filter((entry) => entry !== '');
  return scopes.length === 0 ? SQUARE_DEFAULT_SCOPES : scopes;
}
