import { describe, expect, it } from 'vitest';
import { readWebhookDeadLetter, webhookRecordDeadLetter } from './dead-letter-payload.js';

describe('webhook dead-letter payloads', () => {
  it('reads back event and record letters', () => {
    expect(readWebhookDeadLetter({ kind: 'event', inbox_id: '12', event_type: 't', dedupe_key: 'd' })).toEqual({ kind: 'event', inbox_id: '12', event_type: 't', dedupe_key: 'd' });
    const record = webhookRecordDeadLetter('13', 'stock.updated', { sku: 'A' });
    expect(readWebhookDeadLetter(JSON.parse(JSON.stringify(record)))).toEqual(record);
  });

  it('does not understand letters without an inbox event (a body that was not JSON)', () => {
    expect(readWebhookDeadLetter(null)).toBeUndefined();
    expect(readWebhookDeadLetter({ kind: 'event' })).toBeUndefined();
    expect(readWebhookDeadLetter({ kind: 'event', inbox_id: '1 or 1=1' })).toBeUndefined();
    expect(readWebhookDeadLetter({ kind: 'record', inbox_id: '1', event_type: 't' })).toBeUndefined();
  });
});
