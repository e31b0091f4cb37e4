import type { OAuthLedger } from './oauth-ledger.js';

/** The scopes a typical read-only connector asks for; the fake's `issueTokens` default. */
export const SHOPIFY_READ_SCOPES: readonly string[] = ['read_locations', 'read_products', 'read_inventory', 'read_orders'];

/** The app the fake plays Shopify's OAuth server for, and what the merchant answers at consent. */
export interface OAuthContext {
  readonly clientId: string;
  /** The current client secret (it may be rotated). */
  readonly clientSecret: () => string;
  /** The app's allowed redirection URLs; undefined accepts any `redirect_uri`. */
  readonly redirectUris: () => readonly string[] | undefined;
  readonly ledger: OAuthLedger;
  /** Whether the merchant approves the next authorization. */
  readonly consent: () => 'approve' | 'deny';
  readonly now: () => number;
  /** Called when a code exchange installs the app on a shop. */
  readonly installed: (shop: string) => void;
}

/**
 * Splits Shopify's comma-separated `scope` (spaces around commas tolerated); duplicates dropped.
 * @example
 * scopesOf('read_products, read_orders,read_products'); // ['read_products', 'read_orders']
 */
export function scopesOf(scope: string | null): readonly string[] {
  return [...new Set((scope ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== ''))];
}

/**
 * Whether granted scopes cover a needed read scope: `write_x` implies `read_x`.
 * @example
 * hasScope(['write_products'], 'read_products'); // true
 */
export function hasScope(granted: readonly string[], needed: string): boolean {
  return granted.includes(needed) || granted.includes(needed.replace(/^read_/, 'write_'));
}
