import { money } from './order-lines.js';
import type { SquarePayment } from './order-types.js';
import type { StateContext } from './state-context.js';
import { isoMs } from './time.js';

type PaymentStatus = SquarePayment['status'];

/** A card payment to add; `createdAtMs` backdates it (seeding), otherwise it is stamped now. */
export interface SquarePaymentInput {
  /** Default a new Square-shaped id. */
  readonly id?: string;
  readonly locationId: string;
  readonly amount: number;
  readonly orderId?: string;
  /** Default `COMPLETED`. */
  readonly status?: PaymentStatus;
  readonly createdAtMs?: number;
  readonly cardBrand?: string;
  readonly last4?: string;
}

/** A change to a payment: its status, and/or money refunded (added to `refunded_money`) under a refund id. */
export interface SquarePaymentPatch {
  readonly status?: PaymentStatus;
  readonly refund?: { readonly id: string; readonly amount: number };
}

type MutablePayment = { -readonly [K in keyof SquarePayment]: SquarePayment[K] };

const cardStatusOf: Record<PaymentStatus, SquarePayment['card_details']['status']> = {
  APPROVED: 'AUTHORIZED',
  PENDING: 'AUTHORIZED',
  COMPLETED: 'CAPTURED',
  CANCELED: 'VOIDED',
  FAILED: 'FAILED',
};

/**
 * One merchant's payments. Every change stamps `updated_at` with the fake's clock and a new
 * `version_token`, as Square's optimistic-concurrency token changes.
 * @example
 * const payments = new PaymentState(context, 'USD');
 * payments.add({ locationId: 'L1', amount: 550, orderId: order.id });
 */
export class PaymentState {
  readonly #context: StateContext;
  readonly #currency: string;
  readonly #payments = new Map<string, MutablePayment>();

  constructor(context: StateContext, currency: string) {
    this.#context = context;
    this.#currency = currency;
  }

  add(input: SquarePaymentInput): SquarePayment {
    const { ids } = this.#context;
    const created = isoMs(input.createdAtMs ?? this.#context.now());
    const status = input.status ?? 'COMPLETED';
    const amount = money(input.amount, this.#currency);
    const id = input.id ?? ids.payment();
    if (this.#payments.has(id)) throw new Error(`fake square: payment ${id} already exists`);
    const payment: MutablePayment = {
      id,
      created_at: created,
      updated_at: created,
      amount_money: amount,
      total_money: amount,
      approved_money: amount,
      status,
      source_type: 'CARD',
      card_details: {
        status: cardStatusOf[status],
        card: { card_brand: input.cardBrand ?? 'VISA', last_4: input.last4 ?? '1111', exp_month: 12, exp_year: 2030, card_type: 'CREDIT' },
        entry_method: 'KEYED',
      },
      location_id: input.locationId,
      ...(input.orderId === undefined ? {} : { order_id: input.orderId }),
      receipt_number: id.slice(0, 4),
      version_token: ids.versionToken(),
    };
    this.#payments.set(id, payment);
    return structuredClone(payment);
  }

  /** Applies a change; undefined for an unknown payment. */
  update(id: string, patch: SquarePaymentPatch): SquarePayment | undefined {
    const payment = this.#payments.get(id);
    if (payment === undefined) return undefined;
    if (patch.status !== undefined) {
      payment.status = patch.status;
      payment.card_details = { ...payment.card_details, status: cardStatusOf[patch.status] };
    }
    if (patch.refund !== undefined) {
      payment.refunded_money = money((payment.refunded_money?.amount ?? 0) + patch.refund.amount, this.#currency);
      payment.refund_ids = [...(payment.refund_ids ?? []), patch.refund.id];
    }
    payment.updated_at = isoMs(this.#context.now());
    payment.version_token = this.#context.ids.versionToken();
    return structuredClone(payment);
  }

  get(id: string): SquarePayment | undefined {
    const payment = this.#payments.get(id);
    return payment === undefined ? undefined : structuredClone(payment);
  }

  /** The payment of an order, if one was taken for it. */
  ofOrder(orderId: string): SquarePayment | undefined {
    for (const payment of this.#payments.values()) if (payment.order_id === orderId) return structuredClone(payment);
    return undefined;
  }

  /** Every payment, in creation order. */
  list(): SquarePayment[] {
    return [...this.#payments.values()].map((payment) => structuredClone(payment));
  }
}
