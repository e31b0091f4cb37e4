/**
 * The payloads of webhook dead letters: what replay reads back. Event-level letters point at their
 * inbox row (replay puts it back in the queue); record-level letters carry the record and the
 * event type (replay maps the record again with the current mapping). The store builds the
 * event-level shape in SQL from the inbox row; keep the keys in step with store/repos/inbox-processing.ts.
 */

/** A whole event that ended dead: unknown connection, invalid JSON, out of attempts, ... */
export interface WebhookEventDeadLetter {
  readonly kind: 'event';
  readonly inbox_id: string;
  readonly event_type: string | null;
  readonly dedupe_key: string | null;
}

/** One record of a processed event that could not be mapped or stored. */
export interface WebhookRecordDeadLetter {
  readonly kind: 'record';
  readonly inbox_id: string;
  readonly event_type: string;
  readonly record: unknown;
}

export type WebhookDeadLetterPayload = WebhookEventDeadLetter | WebhookRecordDeadLetter;

/**
 * The payload of a record-level webhook dead letter.
 * @example
 * insertDeadLetters(tx, [{ sourceKind: 'webhook', connector, payload: webhookRecordDeadLetter('42', 'stock.updated', record), ... }]);
 */
export function webhookRecordDeadLetter(inboxId: string, eventType: string, record: unknown): WebhookRecordDeadLetter {
  return { kind: 'record', inbox_id: inboxId, event_type: eventType, record };
}

/**
 * Reads a webhook dead letter's payload; undefined when it is not one replay understands (a
 * letter the intake wrote for a body that is not JSON has no inbox row to go back to).
 * @example
 * const payload = readWebhookDeadLetter(letter.payload);
 * if (payload?.kind === 'event') await requeueInboxEvent(tx, payload.inbox_id);
 */
export function readWebhookDeadLetter(payload: unknown): WebhookDeadLetterPayload | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as Record<string, unknown>;
  const inboxId = typeof p['inbox_id'] === 'string' || typeof p['inbox_id'] === 'number' ? String(p['inbox_id']) : undefined;
  if (inboxId === undefined || !/^\d+$/.test(inboxId)) return undefined;
  if (p['kind'] === 'record') {
    if (typeof p['event_type'] !== 'string' || !('record' in p)) return undefined;
    return webhookRecordDeadLetter(inboxId, p['event_type'], p['record']);
  }
  return {
    kind: 'event',
    inbox_id: inboxId,
    event_type: typeof p['event_type'] === 'string' ? p['event_type'] : null,
    dedupe_key: typeof p['dedupe_key'] === 'string' ? p['dedupe_key'] : null,
  };
}
