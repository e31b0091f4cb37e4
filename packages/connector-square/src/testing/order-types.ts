import type { SquareMoney } from './types.js';

/** `OrderState` values. */
export const SQUARE_ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'] as const;
export type SquareOrderState = (typeof SQUARE_ORDER_STATES)[number];

/** An `OrderLineItem`: `quantity` a decimal string, money in minor units. */
export interface SquareOrderLineItem {
  readonly uid: string;
  readonly name: string;
  readonly quantity: string;
  /** The `ITEM_VARIATION` id; absent for custom-amount lines. */
  readonly catalog_object_id?: string;
  readonly catalog_version?: number;
  readonly variation_name?: string;
  readonly item_type: 'ITEM' | 'CUSTOM_AMOUNT';
  readonly base_price_money: SquareMoney;
  readonly variation_total_price_money: SquareMoney;
  readonly gross_sales_money: SquareMoney;
  readonly total_tax_money: SquareMoney;
  readonly total_discount_money: SquareMoney;
  readonly total_money: SquareMoney;
}

/** An `OrderReturnLineItem`: a line of a sale order coming back. */
export interface SquareOrderReturnLineItem {
  readonly uid: string;
  readonly source_line_item_uid: string;
  readonly name: string;
  readonly quantity: string;
  readonly catalog_object_id?: string;
  readonly item_type: 'ITEM' | 'CUSTOM_AMOUNT';
  readonly base_price_money: SquareMoney;
  readonly total_money: SquareMoney;
}

/** An `OrderReturn`: one per sale order referenced by a return order. */
export interface SquareOrderReturn {
  readonly uid: string;
  readonly source_order_id: string;
  readonly return_line_items: readonly SquareOrderReturnLineItem[];
}

/** A `Refund` carried by the return order it belongs to. */
export interface SquareRefund {
  readonly id: string;
  readonly location_id: string;
  readonly transaction_id: string;
  readonly tender_id?: string;
  readonly created_at: string;
  readonly reason: string;
  readonly amount_money: SquareMoney;
  readonly status: 'PENDING' | 'APPROVED' | 'REJECTED' | 'FAILED';
}

/** `OrderMoneyAmounts`. */
export interface SquareOrderAmounts {
  readonly total_money: SquareMoney;
  readonly tax_money: SquareMoney;
  readonly discount_money: SquareMoney;
  readonly tip_money: SquareMoney;
  readonly service_charge_money: SquareMoney;
}

/** An `Order` as `GET /v2/orders/{id}` and `POST /v2/orders/search` answer it. */
export interface SquareOrder {
  readonly id: string;
  readonly location_id: string;
  readonly reference_id?: string;
  readonly source: { readonly name: string };
  readonly line_items?: readonly SquareOrderLineItem[];
  readonly returns?: readonly SquareOrderReturn[];
  readonly refunds?: readonly SquareRefund[];
  readonly return_amounts?: SquareOrderAmounts;
  readonly net_amounts: SquareOrderAmounts;
  readonly created_at: string;
  readonly updated_at: string;
  /** Set when the order reached COMPLETED or CANCELED. */
  readonly closed_at?: string;
  readonly state: SquareOrderState;
  readonly version: number;
  readonly total_money: SquareMoney;
  readonly total_tax_money: SquareMoney;
  readonly total_discount_money: SquareMoney;
  readonly total_tip_money: SquareMoney;
  readonly total_service_charge_money: SquareMoney;
}

/** A `Payment` as `GET /v2/payments` and the payment webhooks carry it (card payments only). */
export interface SquarePayment {
  readonly id: string;
  readonly created_at: string;
  readonly updated_at: string;
  readonly amount_money: SquareMoney;
  readonly total_money: SquareMoney;
  readonly approved_money: SquareMoney;
  readonly refunded_money?: SquareMoney;
  readonly refund_ids?: readonly string[];
  readonly status: 'APPROVED' | 'PENDING' | 'COMPLETED' | 'CANCELED' | 'FAILED';
  readonly source_type: 'CARD';
  readonly card_details: {
    readonly status: 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'FAILED';
    readonly card: { readonly card_brand: string; readonly last_4: string; readonly exp_month: number; readonly exp_year: number; readonly card_type: 'CREDIT' | 'DEBIT' };
    readonly entry_method: 'KEYED' | 'SWIPED' | 'EMV' | 'CONTACTLESS';
  };
  readonly location_id: string;
  readonly order_id?: string;
  readonly receipt_number: string;
  readonly version_token: string;
}
