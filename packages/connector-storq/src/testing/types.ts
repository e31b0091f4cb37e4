/** Live and test keys see separate data, as at storq. */
export type StorqMode = 'live' | 'test';

/** One row of `GET /stock`. */
export interface StorqStockRow {
  readonly sku: string;
  readonly quantity: number;
  /** ISO 8601 UTC. */
  readonly updated_at: string;
}

/** One product of `GET /products` and `POST /products`. */
export interface StorqProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface StorqLineItem {
  readonly sku: string;
  readonly quantity: number;
}

/** One order of `GET /orders` and `POST /orders`. */
export interface StorqOrder {
  readonly id: string;
  readonly external_id: string;
  readonly customer_email: string;
  readonly line_items: readonly StorqLineItem[];
  readonly status: 'pending' | 'shipped';
  readonly tracking_number: string | null;
  readonly shipped_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** What `POST /orders` takes. */
export interface StorqOrderInput {
  readonly customer_email: string;
  readonly external_id: string;
  readonly line_items: readonly StorqLineItem[];
}

/** A webhook event as storq sends it. */
export type StorqEvent =
  | { readonly id: string; readonly type: 'stock.updated'; readonly created_at: string; readonly data: { readonly object: StorqStockRow } }
  | { readonly id: string; readonly type: 'order.shipped'; readonly created_at: string; readonly data: { readonly object: StorqOrder } };

/** The `type` of storq's JSON error bodies `{"error": {"type", "message", "param"?}}`. */
export type StorqErrorType = 'authentication_error' | 'invalid_request_error' | 'not_found' | 'conflict' | 'rate_limit_error' | 'api_error';
